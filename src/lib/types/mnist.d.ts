// Types for the parts of the untyped `mnist` package that the helper reads.
declare module "mnist" {
  interface MnistDigit {
    /** The digit this entry holds. */
    id: number;
    /** Number of images of this digit. */
    length: number;
    /** All images of this digit, 784 pixel values in [0, 1] each, one after another. */
    raw: number[];
  }
  const digits: MnistDigit[];
  export = digits;
}
