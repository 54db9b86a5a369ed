/** A regression tree ensemble in ONNX TreeEnsembleRegressor terms, the converters' common form. */
export type TreeNode =
  | {
      kind: 'branch';
      /** Index into the input row. */
      feature: number;
      threshold: number;
      /** BRANCH_GT: true when x > threshold (CatBoost); BRANCH_LT: true when x < threshold (XGBoost). */
      mode: 'BRANCH_GT' | 'BRANCH_LT';
      trueChild: number;
      falseChild: number;
      /** Where NaN goes: the true child when set, else the false child. */
      missingTracksTrue: boolean;
    }
  | { kind: 'leaf'; value: number };

export interface TreeEnsemble {
  /** Width of the input row the model reads. */
  featureCount: number;
  featureNames: readonly string[];
  /** Added once to the sum of the trees' leaf values. */
  baseValue: number;
  /** Each tree is its node list; node 0 is the root. */
  trees: ReadonlyArray<readonly TreeNode[]>;
  source: { format: 'catboost-cbm' | 'xgboost-json'; note: string };
}

/** A model the converter deliberately does not handle; the message says what and why. */
export class UnsupportedModelError extends Error {
  override readonly name = 'UnsupportedModelError';
}

export class ModelFormatError extends Error {
  override readonly name = 'ModelFormatError';
}
