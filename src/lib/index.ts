// gan-kit: the helper package of the GAN Step by Step notebooks.
export {
  backendReady,
  BACKEND_VARIABLE,
  nativeTfjs,
  selectBackend,
  tf,
  type BackendReport,
} from "./backend";
export { encodePng, loadModelFiles, saveFile, saveModelFiles } from "./files";
export { assertFinite, assertInteger, assertPositive, assertShape } from "./checks";
export {
  createBatchStream,
  loadMnist,
  EMBEDDED_DIGITS,
  IMAGE_SIZE,
  NUM_CLASSES,
  PIXELS,
  type BatchStream,
  type CreateBatchStreamArgs,
  type DigitSource,
  type ImageLayout,
  type LoadMnistArgs,
  type MnistData,
} from "./data";
export {
  binaryCrossEntropyFromLogits,
  createObjective,
  crossEntropyDiscriminatorCost,
  crossEntropyObjective,
  fitLsDiscriminator,
  LEAST_SQUARES,
  leastSquaresObjective,
  lsDiscriminatorCost,
  lsGeneratorCost,
  LS_ZERO_ONE,
  MINIMAX,
  minimaxGeneratorCost,
  NON_SATURATING,
  nonSaturatingGeneratorCost,
  type CrossEntropyGenerator,
  type FitLsDiscriminatorArgs,
  type LsTargets,
  type Objective,
  type ObjectiveSpec,
} from "./losses";
export {
  addArrays,
  DENSITY_MASS_TOLERANCE,
  gaussianDensity,
  integrate,
  lsCriterionAtOptimum,
  lsGeneratorCriterion,
  makeGrid,
  normalizeDensity,
  optimalLsDiscriminator,
  pearsonChiSquare,
  scaleArray,
  uniformDensity,
  type Grid,
} from "./maths";
export {
  binomialPmf,
  checkProbabilities,
  entropy,
  klDivergence,
  meanLogLikelihood,
  PROBABILITY_SUM_TOLERANCE,
} from "./likelihood";
export {
  buildMlpDiscriminator,
  buildMlpGenerator,
  countParameters,
  GLOROT_UNIFORM,
  orthogonalInit,
  type HiddenActivation,
  type Initializer,
  type KernelInit,
  type MlpDiscriminatorArgs,
  type MlpGeneratorArgs,
} from "./mlp";
export { formatModelSummary } from "./summary";
export {
  scoreConditionalGenerator,
  type ConditionalScores,
  type ScoreConditionalArgs,
} from "./scoring";
export {
  buildConvDiscriminator,
  buildConvGenerator,
  buildDcganDiscriminator,
  buildDcganGenerator,
  type ConvDiscriminatorArgs,
  type ConvGeneratorArgs,
  type DcganArgs,
} from "./conv";
export {
  buildConditionalMlpDiscriminator,
  buildConditionalMlpGenerator,
  type ConditionalMlpDiscriminatorArgs,
  type ConditionalMlpGeneratorArgs,
  type LabelEncoding,
} from "./conditional";
export {
  createOptimizer,
  LeanAdam,
  LeanRmsProp,
  linearDecayFactor,
  type LeanAdamArgs,
  type LeanOptimizerArgs,
  type LeanRmsPropArgs,
  type LinearDecay,
  type OptimizerSpec,
} from "./optimizer";
export { ADAM_RULE, RMSPROP_RULE, type UpdateRule } from "./updates";
export { createWeightAverage, type WeightAverage, type WeightAverageArgs } from "./averaging";
export { createRandom, createSeedSequence, drawSeed, shuffledIndices, type Random } from "./random";
export {
  createNoiseSampler,
  createPortableNoiseSampler,
  type NoiseDistribution,
  type NoiseSampler,
  type NoiseSamplerArgs,
} from "./noise";
export { chooseSettings, isQuickMode, QUICK_MODE_VARIABLE } from "./settings";
export { createGan, disposeGan, disposeOptimizers, type CreateGanArgs, type Gan } from "./gan";
export {
  trainDiscriminatorStep,
  trainGan,
  trainGeneratorStep,
  trainStep,
  type DiscriminatorMetrics,
  type GeneratorMetrics,
  type GeneratorStepOptions,
  type StepMetrics,
  type TrainGanArgs,
} from "./steps";
export { generateImages, interpolateNoise } from "./sampling";
export {
  composeSampleGrid,
  renderProgressGif,
  renderSampleGrid,
  type SampleGridArgs,
} from "./grids";
export {
  blockMeans,
  linesFigure,
  lossFigure,
  roundForDisplay,
  type Figure,
  type LinesFigureArgs,
  type Series,
} from "./figures";
export {
  CHROMIUM_PATHS,
  figureBrowserLaunches,
  findChromium,
  renderFigurePng,
  renderFigureSvg,
  startFigureRenderer,
} from "./chromium";
export { isNotebook, showBundle, showFigure, showPng } from "./notebook";
export {
  createLiveTrainingDisplay,
  formatDuration,
  formatMetrics,
  formatProgress,
  trainGanLive,
  lastLiveTraining,
  type LiveTraining,
  type LiveTrainingDisplay,
  type LiveTrainingDisplayArgs,
  type TrainGanLiveArgs,
} from "./live";
export { batchNormalization, FusedBatchNormalization } from "./batchnorm";
export {
  powerIterationStep,
  spectralNormDense,
  SpectralNormDense,
  type SpectralNormDenseArgs,
} from "./spectral";
export {
  classifierAccuracy,
  classifyDigits,
  confidentShare,
  countPredictedDigits,
  formatLabelScores,
  loadOrTrainDigitClassifier,
  pixelSpread,
  scoreByLabel,
  type DigitClassifier,
  type DigitClassifierArgs,
  type LabelScores,
} from "./classifier";
export {
  buildModel,
  runGanJob,
  runGanJobsFromEnvironment,
  runRingJob,
  startBackgroundTraining,
  type BackgroundTraining,
  type BackgroundTrainingArgs,
  type GanJob,
  type ModelSpec,
  type RingJob,
  type RingJobGroup,
  type TrainingJob,
  type TrainedGanJob,
} from "./jobs";
export {
  loadOrTrainGenerator,
  trainingCachePath,
  trainingCodeVersion,
  type CachedTraining,
  type CachedTrainingArgs,
} from "./cache";
export {
  assertNoTensorLeaks,
  checkTensorLeaks,
  LEAK_CHECK_VARIABLE,
  stopWatchingTensorLeaks,
  watchTensorLeaks,
  type LeakReport,
} from "./leaks";
export {
  createRingMixture,
  createRingSampler,
  energyDistance,
  measureModeCoverage,
  sampleRing,
  type ModeCoverage,
  type ModeCoverageArgs,
  type RingMixture,
  type RingMixtureArgs,
} from "./ring";
export { followTensors, type TensorFollower } from "./tracking";
export { releaseWith, startNotebook, stopOnRestart, type NotebookStart } from "./session";
export {
  listenForInterrupt,
  TrainingStopped,
  type InterruptListener,
  type ListenForInterruptArgs,
} from "./interrupt";
export {
  checkCollapse,
  checkRingCollapse,
  checkDWinning,
  checkNoProgress,
  FAILURE_RULES,
  formatFlag,
  type FailureFlag,
  type FailureRules,
} from "./failures";
export {
  createStackedGan,
  disposeStackedGan,
  sampleStacked,
  stackModels,
  trainStackedStep,
  type StackedGan,
  type StackedGroup,
  type StackedMlp,
  type StackedNoise,
  type StackedStepMetrics,
} from "./stacked";
export {
  runRingExperiment,
  type RingCheck,
  type RingExperiment,
  type RingExperimentArgs,
  type RingRun,
  type RingSettings,
} from "./ringexperiment";
export { renderRingGif, type RingGifArgs } from "./ringpictures";
export {
  createTwoDigitStream,
  drawTwoDigitNumbers,
  indicesByDigit,
  scoreTwoDigitNumbers,
  TWO_DIGIT_CLASSES,
  type CreateTwoDigitStreamArgs,
  type TwoDigitDraw,
  type TwoDigitScores,
  type TwoDigitStream,
} from "./twodigits";
export {
  buildConditionalLsganDiscriminator,
  buildConditionalLsganGenerator,
  buildLsganDiscriminator,
  buildLsganGenerator,
  type ConditionalLsganArgs,
  type LsganDiscriminatorArgs,
  type LsganGeneratorArgs,
} from "./lsgannets";
export {
  checkDiscriminatorUpdate,
  type DiscriminatorPart,
  type DiscriminatorUpdate,
  SEPARATE_UPDATES,
  SUMMED_UPDATE,
} from "./dupdate";
