// A network as data: one of gan-kit's builders and its arguments, which another process can
// rebuild (a background training, a cache key), and `buildModel`, which builds it.
import type { tf } from "../core/backend";
import { buildConditionalMlpDiscriminator, buildConditionalMlpGenerator } from "./conditional";
import {
  buildConvDiscriminator,
  buildConvGenerator,
  buildDcganDiscriminator,
  buildDcganGenerator,
} from "./conv";
import {
  buildConditionalLsganDiscriminator,
  buildConditionalLsganGenerator,
  buildLsganDiscriminator,
  buildLsganGenerator,
} from "./lsgan";
import { buildMlpDiscriminator, buildMlpGenerator } from "./mlp";

const BUILDERS = {
  buildMlpGenerator,
  buildMlpDiscriminator,
  buildConditionalMlpGenerator,
  buildConditionalMlpDiscriminator,
  buildConvGenerator,
  buildConvDiscriminator,
  buildDcganGenerator,
  buildDcganDiscriminator,
  buildLsganGenerator,
  buildLsganDiscriminator,
  buildConditionalLsganGenerator,
  buildConditionalLsganDiscriminator,
};

/** A network as one of gan-kit's builders and its arguments: what another process can rebuild. */
export type ModelSpec = {
  [K in keyof typeof BUILDERS]: { builder: K; args: Parameters<(typeof BUILDERS)[K]>[0] };
}[keyof typeof BUILDERS];

/** Builds the network a ModelSpec describes. */
export function buildModel(spec: ModelSpec): tf.LayersModel {
  const build = BUILDERS[spec.builder] as ((args: unknown) => tf.LayersModel) | undefined;
  if (build === undefined)
    throw new Error(
      `unknown builder ${JSON.stringify(spec.builder)}; use one of ${Object.keys(BUILDERS).join(", ")}`,
    );
  return build(spec.args);
}
