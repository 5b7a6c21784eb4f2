// gan-kit: the helper package of the GAN Step by Step notebooks.
export { backendReady, BACKEND_VARIABLE, nativeTfjs, selectBackend, tf, type BackendReport } from "./backend";
export { encodePng, loadModelFiles, saveModelFiles } from "./files";
export { assertFinite, assertInteger, assertPositive, assertShape } from "./checks";
export {
  createBatchStream, loadMnist, EMBEDDED_DIGITS, IMAGE_SIZE, NUM_CLASSES, PIXELS,
  type BatchStream, type CreateBatchStreamArgs, type DigitSource, type ImageLayout, type LoadMnistArgs, type MnistData,
} from "./data";
export {
  binaryCrossEntropyFromLogits, discriminatorCost, generatorCost, GENERATOR_COSTS, lsDiscriminatorCost, lsGeneratorCost, LS_ZERO_ONE,
  type GeneratorCost, type LsTargets,
} from "./losses";
export {
  addArrays, DENSITY_MASS_TOLERANCE, gaussianDensity, integrate, lsCriterionAtOptimum, lsGeneratorCriterion, makeGrid,
  normalizeDensity, optimalLsDiscriminator, pearsonChiSquare, scaleArray, uniformDensity, type Grid,
} from "./maths";
export {
  buildConditionalMlpDiscriminator, buildConditionalMlpGenerator, buildConvDiscriminator, buildConvGenerator,
  buildDcganDiscriminator, buildDcganGenerator, type DcganArgs,
  buildMlpDiscriminator, buildMlpGenerator, countParameters,
  type ConditionalMlpDiscriminatorArgs, type ConditionalMlpGeneratorArgs, type LabelEncoding, type ConvDiscriminatorArgs, type ConvGeneratorArgs, type MlpDiscriminatorArgs, type MlpGeneratorArgs,
} from "./models";
export { LeanAdam, linearDecayFactor, type LeanAdamArgs, type LinearDecay } from "./optimizer";
export { createWeightAverage, type WeightAverage, type WeightAverageArgs } from "./averaging";
export { createRandom, createSeedSequence, drawSeed, shuffledIndices, type Random } from "./random";
export {
  createNoiseSampler, createPortableNoiseSampler, type NoiseDistribution, type NoiseSampler, type NoiseSamplerArgs,
} from "./noise";
export { chooseSettings, isQuickMode, QUICK_MODE_VARIABLE } from "./settings";
export {
  createGan, disposeGan, fitLsDiscriminator, formatMetrics, generateImages, interpolateNoise,
  trainDiscriminatorStep, trainGan, trainGeneratorStep, trainStep,
  type CreateGanArgs, type GeneratorStepOptions, type DiscriminatorMetrics, type FitLsDiscriminatorArgs, type Gan, type GeneratorMetrics, type StepMetrics, type TrainGanArgs,
} from "./training";
export {
  blockMeans, composeSampleGrid, createLiveTrainingDisplay, findChromium, formatDuration, formatProgress, isNotebook, linesFigure,
  lossFigure, renderFigurePng, renderProgressGif, renderSampleGrid, roundForDisplay, saveFile, showBundle, showFigure,
  showGif, showPng,
  type Figure, type LinesFigureArgs, type LiveTrainingDisplay, type LiveTrainingDisplayArgs, type SampleGridArgs, type Series,
} from "./display";
export { batchNormalization, FusedBatchNormalization } from "./batchnorm";
export { powerIterationStep, spectralNormDense, SpectralNormDense, type SpectralNormDenseArgs } from "./spectral";
export {
  classifierAccuracy, classifyDigits, confidentShare, countPredictedDigits, formatLabelScores, loadOrTrainDigitClassifier, pixelSpread, scoreByLabel,
  type DigitClassifier, type DigitClassifierArgs, type LabelScores,
} from "./classifier";
export {
  buildModel, runGanJob, runGanJobsFromEnvironment, startBackgroundTraining,
  type BackgroundTraining, type BackgroundTrainingArgs, type GanJob, type ModelSpec, type TrainedGanJob,
} from "./jobs";
export { loadOrTrainGenerator, trainingCachePath, trainingCodeVersion, type CachedTraining, type CachedTrainingArgs } from "./cache";
