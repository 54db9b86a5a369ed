import { FlatbufferTable } from './flatbuffer-table';
import { ModelFormatError, UnsupportedModelError, type TreeEnsemble, type TreeNode } from './tree-ensemble';

// Field slots of CatBoost's flatbuffers schema (catboost/libs/model/flatbuffers/*.fbs).
const CORE = { formatVersion: 0, modelTrees: 1, modelPartIds: 3 } as const;
const TREES = {
  approxDimension: 0,
  treeSplits: 1,
  treeSizes: 2,
  treeStartOffsets: 3,
  catFeatures: 4,
  floatFeatures: 5,
  oneHotFeatures: 6,
  ctrFeatures: 7,
  leafValues: 8,
  nonSymmetricStepNodes: 10,
  textFeatures: 12,
  estimatedFeatures: 13,
  scale: 14,
  bias: 15,
  multiBias: 16,
  embeddingFeatures: 18,
} as const;
const FLOAT_FEATURE = { flatIndex: 2, borders: 3, featureId: 4, nanValueTreatment: 5 } as const;
const NAN_AS_TRUE = 2;

interface BinarySplit {
  feature: number;
  border: number;
  nanAsTrue: boolean;
}

/** The flatbuffer core of a `.cbm` file: magic "CBM1", a size (ui32, or 0xFFFFFFFF then ui64), the bytes. */
function modelCore(file: Uint8Array): Uint8Array {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (file.byteLength < 8 || new TextDecoder().decode(file.subarray(0, 4)) !== 'CBM1') {
    throw new ModelFormatError('not a CatBoost binary model: the file does not start with "CBM1"');
  }
  let size = view.getUint32(4, true);
  let start = 8;
  if (size === 0xffffffff) {
    size = Number(view.getBigUint64(8, true));
    start = 16;
  }
  if (start + size > file.byteLength)
    throw new ModelFormatError(
      `truncated CatBoost model: the core needs ${size} bytes, ${file.byteLength - start} remain`,
    );
  return file.slice(start, start + size);
}

/** The core's trees table, once the model is one ONNX export can express faithfully. */
function convertibleTrees(core: FlatbufferTable): FlatbufferTable {
  const format = core.string(CORE.formatVersion);
  if (format !== 'FlabuffersModel_v1')
    throw new ModelFormatError(`unsupported CatBoost core format "${format}" (expected FlabuffersModel_v1)`);
  const parts = core.strings(CORE.modelPartIds);
  if (parts.length > 0)
    throw new UnsupportedModelError(
      `the model has extra parts (${parts.join(', ')}): categorical CTR tables, text or embedding processing are not supported`,
    );
  const trees = core.table(CORE.modelTrees);
  if (!trees) throw new ModelFormatError('the model has no trees');
  const unsupported = (
    [
      ['categorical', TREES.catFeatures],
      ['one-hot', TREES.oneHotFeatures],
      ['CTR', TREES.ctrFeatures],
      ['text', TREES.textFeatures],
      ['estimated', TREES.estimatedFeatures],
      ['embedding', TREES.embeddingFeatures],
    ] as const
  ).filter(([, slot]) => trees.vectorLength(slot) > 0);
  if (unsupported.length > 0) {
    throw new UnsupportedModelError(
      `the model uses ${unsupported.map(([kind]) => kind).join(', ')} features; only float features convert to TreeEnsembleRegressor`,
    );
  }
  if (trees.vectorLength(TREES.nonSymmetricStepNodes) > 0) {
    throw new UnsupportedModelError(
      "the model has non-symmetric (Depthwise/Lossguide) trees; only oblivious trees are supported, as in CatBoost's own ONNX export",
    );
  }
  const dimension = trees.int32(TREES.approxDimension, 1);
  if (dimension !== 1)
    throw new UnsupportedModelError(
      `the model has ${dimension} outputs (multiclass or multi-target); only a single regression output is supported`,
    );
  return trees;
}

/** Every border of every float feature, in the order the trees' split indices count them. */
function floatSplits(trees: FlatbufferTable) {
  const splits: BinarySplit[] = [];
  const featureNames: string[] = [];
  let featureCount = 0;
  for (const feature of trees.tables(TREES.floatFeatures)) {
    const flatIndex = feature.int32(FLOAT_FEATURE.flatIndex, -1);
    featureCount = Math.max(featureCount, flatIndex + 1);
    featureNames[flatIndex] = feature.string(FLOAT_FEATURE.featureId) || `f${flatIndex}`;
    const nanAsTrue = feature.uint8(FLOAT_FEATURE.nanValueTreatment, 0) === NAN_AS_TRUE;
    for (const border of feature.float32s(FLOAT_FEATURE.borders))
      splits.push({ feature: flatIndex, border, nanAsTrue });
  }
  return { splits, featureNames, featureCount };
}

/** One oblivious tree of `splits` (its last split at the root), breadth first, then its 2^depth leaves. */
function obliviousTree(splits: readonly BinarySplit[], leaves: readonly number[]): TreeNode[] {
  const depth = splits.length;
  const nodes: TreeNode[] = [];
  for (let level = 0; level < depth; level += 1) {
    const split = splits[depth - 1 - level]!;
    for (let position = 0; position < 2 ** level; position += 1) {
      const id = 2 ** level - 1 + position;
      nodes.push({
        kind: 'branch',
        feature: split.feature,
        threshold: split.border,
        mode: 'BRANCH_GT',
        falseChild: 2 * id + 1,
        trueChild: 2 * id + 2,
        missingTracksTrue: split.nanAsTrue,
      });
    }
  }
  for (const value of leaves) nodes.push({ kind: 'leaf', value });
  return nodes;
}

/**
 * Reads a CatBoost `.cbm` file into a tree ensemble with CatBoost's own ONNX layout: the last split
 * of an oblivious tree is the root, nodes in breadth-first order, BRANCH_GT on float32 borders.
 * Refuses what ONNX export cannot express faithfully: categorical/text/embedding features, model
 * parts, non-symmetric trees and several outputs. A scale other than 1 is folded into the leaves.
 */
export function readCatboostModel(file: Uint8Array): TreeEnsemble {
  const trees = convertibleTrees(FlatbufferTable.root(modelCore(file)));
  const { splits, featureNames, featureCount } = floatSplits(trees);
  const scale = trees.float64(TREES.scale, 1);
  const multiBias = trees.float64s(TREES.multiBias);
  const bias = multiBias.length > 0 ? multiBias[0]! : trees.float64(TREES.bias, 0);
  const treeSplits = trees.int32s(TREES.treeSplits);
  const treeStarts = trees.int32s(TREES.treeStartOffsets);
  const leafValues = trees.float64s(TREES.leafValues);

  const ensemble: TreeNode[][] = [];
  let leafOffset = 0;
  trees.int32s(TREES.treeSizes).forEach((depth, treeIndex) => {
    const own = treeSplits.slice(treeStarts[treeIndex], treeStarts[treeIndex]! + depth).map((index) => {
      const split = splits[index];
      if (!split)
        throw new ModelFormatError(
          `tree ${treeIndex} names split ${index}, but the model has ${splits.length} borders`,
        );
      return split;
    });
    const leaves = Array.from({ length: 2 ** depth }, (_, leaf) => {
      const value = leafValues[leafOffset + leaf];
      if (value === undefined)
        throw new ModelFormatError(
          `tree ${treeIndex} needs leaf ${leafOffset + leaf}, but the model has ${leafValues.length} leaf values`,
        );
      return value * scale;
    });
    leafOffset += 2 ** depth;
    ensemble.push(obliviousTree(own, leaves));
  });
  if (leafOffset !== leafValues.length)
    throw new ModelFormatError(`the trees use ${leafOffset} leaf values, but the model stores ${leafValues.length}`);
  return {
    featureCount,
    featureNames,
    baseValue: bias,
    trees: ensemble,
    source: {
      format: 'catboost-cbm',
      note: `${ensemble.length} oblivious trees, bias ${bias}${scale !== 1 ? `, scale ${scale} folded into the leaves` : ''}`,
    },
  };
}
