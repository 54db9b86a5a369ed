import { ModelFormatError, UnsupportedModelError, type TreeEnsemble, type TreeNode } from './tree-ensemble';

const IDENTITY_OBJECTIVES = new Set([
  'reg:squarederror',
  'reg:squaredlogerror',
  'reg:pseudohubererror',
  'reg:absoluteerror',
  'reg:linear',
]);

interface XgboostTree {
  left_children: number[];
  right_children: number[];
  split_indices: number[];
  split_conditions: number[];
  default_left: number[] | boolean[];
  split_type?: number[];
}

export interface XgboostReadOptions {
  /** Use the trees up to and including this boosting round (scikit-learn's predict after early stopping). */
  lastIteration?: number;
}

/** `[1.0679911E1]` (xgboost 3.x) or `1.0679911E1` (older): the margin the trees add to. */
function parseBaseScore(text: unknown): number {
  const value = Number(String(text).replace(/^\[|\]$/g, ''));
  if (!Number.isFinite(value))
    throw new ModelFormatError(`learner_model_param.base_score "${String(text)}" is not a number`);
  return value;
}

/**
 * Reads an XGBoost JSON model (gbtree, one regression target, numerical splits). XGBoost sends a
 * row left when `x < split_condition` (float32), and NaN to the `default_left` side.
 */
export function readXgboostModel(json: unknown, options: XgboostReadOptions = {}): TreeEnsemble {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- XGBoost's JSON, each field checked as it is read
  const learner = (json as { learner?: Record<string, any> })?.learner;
  if (!learner) throw new ModelFormatError('not an XGBoost JSON model: no "learner"');
  const objective = learner.objective?.name;
  if (!IDENTITY_OBJECTIVES.has(objective))
    throw new UnsupportedModelError(
      `objective "${objective}" needs a link function; only identity-link regression objectives are supported`,
    );
  const parameters = learner.learner_model_param ?? {};
  if (Number(parameters.num_class ?? 0) > 1 || Number(parameters.num_target ?? 1) > 1)
    throw new UnsupportedModelError('the model has several outputs; only single-target regression is supported');
  const booster = learner.gradient_booster;
  if (booster?.name !== 'gbtree')
    throw new UnsupportedModelError(`booster "${booster?.name}" is not supported (gbtree only)`);
  const model = booster.model;
  const allTrees = model.trees as XgboostTree[];
  const indptr =
    (model.iteration_indptr as number[] | undefined) ?? allTrees.map((_, index) => index).concat(allTrees.length);
  let treeCount = allTrees.length;
  if (options.lastIteration !== undefined) {
    const end = indptr[options.lastIteration + 1];
    if (end === undefined)
      throw new ModelFormatError(
        `iteration ${options.lastIteration} is beyond the model's ${indptr.length - 1} rounds`,
      );
    treeCount = end;
  }
  const featureCount = Number(parameters.num_feature);
  const featureNames: string[] =
    learner.feature_names ?? Array.from({ length: featureCount }, (_, index) => `f${index}`);
  const trees = allTrees.slice(0, treeCount).map((tree, treeIndex) => {
    if ((tree.split_type ?? []).some((type) => type !== 0))
      throw new UnsupportedModelError(`tree ${treeIndex} has categorical splits`);
    return tree.left_children.map((left, node): TreeNode => {
      if (left === -1) return { kind: 'leaf', value: tree.split_conditions[node]! };
      const feature = tree.split_indices[node]!;
      if (feature >= featureCount)
        throw new ModelFormatError(
          `tree ${treeIndex} splits on feature ${feature}, beyond num_feature ${featureCount}`,
        );
      return {
        kind: 'branch',
        feature,
        threshold: tree.split_conditions[node]!,
        mode: 'BRANCH_LT',
        trueChild: left,
        falseChild: tree.right_children[node]!,
        missingTracksTrue: Boolean(tree.default_left[node]),
      };
    });
  });
  return {
    featureCount,
    featureNames,
    baseValue: parseBaseScore(parameters.base_score),
    trees,
    source: {
      format: 'xgboost-json',
      note: `${trees.length} of ${allTrees.length} trees${options.lastIteration !== undefined ? ` (rounds 0..${options.lastIteration})` : ''}`,
    },
  };
}
