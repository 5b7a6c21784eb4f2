// gan-kit: the helper package of the GAN Step by Step notebooks, its one door. The names are
// grouped by the folder they live in, lowest layer first; each folder imports only from folders
// listed before it. What only the helper's own modules use stays unexported here.

// core/: the engine: backend, TensorFlow ops by name, seeded randomness, quick mode.
export { backendReady, tf, type BackendReport } from "./core/backend";
export { createRandom, createSeedSequence, type Random } from "./core/random";
export { digitsDrawn, mean, median } from "./core/stats";
export { chooseSettings, isQuickMode } from "./core/settings";

// store/: files and the training cache.
export { encodePng, loadModelFiles, saveModelFiles } from "./store/files";
export {
  loadOrTrainGenerator,
  trainingCachePath,
  trainingCodeVersion,
  type CachedTrainingArgs,
} from "./store/cache";

// data/: MNIST, the two-digit numbers, the ring of Gaussians.
export {
  createBatchStream,
  loadMnist,
  type BatchStream,
  type CreateBatchStreamArgs,
  type DigitSource,
  type ImageLayout,
  type LoadMnistArgs,
  type MnistData,
} from "./data/mnist";
export {
  createTwoDigitStream,
  type CreateTwoDigitStreamArgs,
  type TwoDigitStream,
} from "./data/twodigits";
export {
  AUTHORS_RING,
  createRingMixture,
  createRingSampler,
  sampleRing,
  type RingMixture,
  type RingMixtureArgs,
} from "./data/ring";

// nets/: the networks, their layers, a network as data (ModelSpec), the model table.
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
} from "./nets/mlp";
export {
  buildConvDiscriminator,
  buildConvGenerator,
  buildDcganDiscriminator,
  buildDcganGenerator,
  type ConvDiscriminatorArgs,
  type ConvGeneratorArgs,
  type DcganArgs,
} from "./nets/conv";
export {
  buildConditionalMlpDiscriminator,
  buildConditionalMlpGenerator,
  type ConditionalMlpDiscriminatorArgs,
  type ConditionalMlpGeneratorArgs,
  type LabelEncoding,
} from "./nets/conditional";
export {
  buildConditionalLsganDiscriminator,
  buildConditionalLsganGenerator,
  buildLsganDiscriminator,
  buildLsganGenerator,
  type ConditionalLsganArgs,
  type LsganDiscriminatorArgs,
  type LsganGeneratorArgs,
} from "./nets/lsgan";
export { batchNormalization } from "./nets/batchnorm";
export {
  powerIterationStep,
  spectralNormDense,
  SpectralNormDense,
  type SpectralNormDenseArgs,
} from "./nets/spectral";
export { stackModels, type StackedMlp } from "./nets/stacked";
export { buildModel, type ModelSpec } from "./nets/specs";
export { formatModelSummary, maxOutputGap } from "./nets/summary";

// optim/: optimisers and their update rules as values.
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
} from "./optim/optimizer";
export type { UpdateRule } from "./optim/rules";

// train/: the game (objectives, D-update schemes), the steps, the one loop, noise, averaging.
export {
  binaryCrossEntropyFromLogits,
  createObjective,
  crossEntropyObjective,
  fitLsDiscriminator,
  LEAST_SQUARES,
  leastSquaresObjective,
  lsDiscriminatorCost,
  lsGeneratorCost,
  MINIMAX,
  NON_SATURATING,
  type CrossEntropyGenerator,
  type FitLsDiscriminatorArgs,
  type LsTargets,
  type Objective,
  type ObjectiveSpec,
} from "./train/losses";
export {
  checkDiscriminatorUpdate,
  createGan,
  disposeGan,
  disposeOptimizers,
  SEPARATE_UPDATES,
  SUMMED_UPDATE,
  type CreateGanArgs,
  type DiscriminatorPart,
  type DiscriminatorUpdate,
  type Gan,
} from "./train/gan";
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
} from "./train/steps";
export { TrainingStopped } from "./train/loop";
export {
  createNoiseSampler,
  createPortableNoiseSampler,
  type NoiseDistribution,
  type NoiseSampler,
  type NoiseSamplerArgs,
} from "./train/noise";
export {
  createStackedWeightAverage,
  createWeightAverage,
  type StackedWeightAverage,
  type WeightAverage,
  type WeightAverageArgs,
} from "./train/averaging";
export {
  createConditionalGrid,
  generateImages,
  interpolateNoise,
  type ConditionalGrid,
} from "./train/sampling";
export {
  ALTERNATING_UPDATES,
  createStackedGan,
  disposeStackedGan,
  SIMULTANEOUS_UPDATES,
  trainStackedStep,
  type CreateStackedGanArgs,
  type PlayerUpdates,
  type StackedGan,
  type StackedGroup,
  type StackedNoise,
  type StackedStepMetrics,
} from "./train/stackedgan";

// measure/: the digit classifier and what it reads, ring coverage, failure flags, verdicts.
export {
  classifyDigits,
  loadHeldOutDigits,
  loadOrTrainDigitClassifier,
  type DigitClassifier,
  type DigitClassifierArgs,
} from "./measure/classifier";
export {
  classSpread,
  confidentShare,
  countPredictedDigits,
  formatLabelScores,
  pixelSpread,
  scoreByLabel,
  scoreConditionalGenerator,
  scoreTwoDigitNumbers,
  type ConditionalScores,
  type LabelScores,
  type ScoreConditionalArgs,
  type TwoDigitScores,
} from "./measure/scores";
export {
  energyDistance,
  measureModeCoverage,
  type AveragedRingCheck,
  type ModeCoverage,
  type ModeCoverageArgs,
} from "./measure/ringscores";
export {
  checkCollapse,
  checkDWinning,
  checkNoProgress,
  FAILURE_RULES,
  formatFlag,
  type FailureFlag,
  type FailureRules,
} from "./measure/failures";
export {
  AUTHORS_READING,
  compareSides,
  judgeUpdateClaim,
  replicatedComparison,
  runFails,
  runTrains,
  UPDATE_CLAIM_RULE,
  type DigitReading,
  type SideComparison,
  judgeGridObservations,
  judgeRingClaim,
  replicatedVerdict,
  SOURCE_POST_READING,
  type GridCells,
  type GridReading,
  RING_CLAIM_RULE,
  ringRunCollapsed,
  ringRunLearned,
  verdict,
  type RingRunAtCheck,
  type Verdict,
} from "./measure/verdicts";
export { digitFeatures, frechetDigitDistance, frechetDistance } from "./measure/frechet";

// theory/: float64 densities, the LSGAN identities, likelihoods.
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
} from "./theory/maths";
export { binomialPmf, entropy, klDivergence, meanLogLikelihood } from "./theory/likelihood";

// figures/: plotly figures as data, PNG grids and GIFs, and their renderer.
export { blockMeans, linesFigure, lossFigure, roundForDisplay, type Figure } from "./figures/plots";
export type { LinesFigureArgs, Series } from "./figures/plots";
export { renderProgressGif, renderSampleGrid, type SampleGridArgs } from "./figures/grids";
export { figureBrowserLaunches, findChromium, renderFigurePng } from "./figures/chromium";
export { renderRingGif, type RingGifArgs } from "./figures/ringpictures";

// notebook/: a notebook's run in the kernel: outputs, reruns, leaks, the interrupt, live views.
export { isNotebook, saveFigure, showFigure, showPng } from "./notebook/output";
export { startNotebook, stopOnRestart, type NotebookStart } from "./notebook/session";
export {
  assertNoTensorLeaks,
  checkTensorLeaks,
  stopWatchingTensorLeaks,
  watchTensorLeaks,
  type LeakReport,
} from "./notebook/leaks";
export {
  listenForInterrupt,
  type InterruptListener,
  type ListenForInterruptArgs,
} from "./notebook/interrupt";
export {
  createLiveTrainingDisplay,
  formatMetrics,
  lastLiveTraining,
  trainGanLive,
  type LiveTraining,
  type LiveTrainingDisplay,
  type LiveTrainingDisplayArgs,
  type TrainGanLiveArgs,
} from "./notebook/live";

// experiments/: trainings as data, run here or in background processes; notebook 07's experiment.
export {
  changeJob,
  runGanJob,
  type CachedTraining,
  type GanJobChange,
  type GanJob,
  type TrainedGanJob,
} from "./experiments/jobs";
export {
  describeRingJob,
  runRingJob,
  type DescribeRingJobArgs,
  type RingJob,
  type RingJobGroup,
} from "./experiments/ringjob";
export {
  startBackgroundTraining,
  type BackgroundTraining,
  type BackgroundTrainingArgs,
  type TrainingJob,
} from "./experiments/background";
export { loadRingRecord, type RingRecord } from "./experiments/records";
export {
  loadGanRecord,
  readGanRun,
  type GanRecord,
  type GanRecordJob,
  type GanRecordRun,
  type GanRecordSpec,
} from "./experiments/ganrecords";
export {
  lastRingExperimentSteps,
  runRingExperiment,
  type RingCheck,
  type RingExperiment,
  type RingExperimentArgs,
  type RingRun,
  type RingSettings,
} from "./experiments/ringexperiment";

// protocols/: the notebooks' trainings and the recorded experiments, as data.
export {
  describeFewClassJob,
  describeManyClassJob,
  type DescribeFewClassJobArgs,
  type DescribeManyClassJobArgs,
} from "./protocols/digits";
