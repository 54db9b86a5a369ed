import { ProtobufWriter } from './protobuf-writer';
import type { TreeEnsemble } from './tree-ensemble';

// onnx.proto field numbers and enums.
const MODEL = {
  irVersion: 1,
  producerName: 2,
  producerVersion: 3,
  modelVersion: 5,
  graph: 7,
  opsetImport: 8,
  metadataProps: 14,
} as const;
const GRAPH = { node: 1, name: 2, input: 11, output: 12 } as const;
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 } as const;
const ATTRIBUTE = { name: 1, i: 3, s: 4, floats: 7, ints: 8, strings: 9, type: 20 } as const;
const ATTRIBUTE_TYPE = { INT: 2, STRING: 3, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;
const FLOAT_TENSOR = 1;

export const ONNX_INPUT = 'features';
export const ONNX_OUTPUT = 'predictions';

export interface OnnxModelInfo {
  modelVersion: number;
  metadata: Record<string, string>;
}

type NodeAttribute = (node: ProtobufWriter) => void;

const ints =
  (name: string, values: number[]): NodeAttribute =>
  (node) =>
    node.message(NODE.attribute, (attribute) =>
      attribute
        .string(ATTRIBUTE.name, name)
        .packedInts(ATTRIBUTE.ints, values)
        .int(ATTRIBUTE.type, ATTRIBUTE_TYPE.INTS),
    );
const floats =
  (name: string, values: number[]): NodeAttribute =>
  (node) =>
    node.message(NODE.attribute, (attribute) =>
      attribute
        .string(ATTRIBUTE.name, name)
        .packedFloats(ATTRIBUTE.floats, values)
        .int(ATTRIBUTE.type, ATTRIBUTE_TYPE.FLOATS),
    );
const strings =
  (name: string, values: string[]): NodeAttribute =>
  (node) =>
    node.message(NODE.attribute, (attribute) => {
      attribute.string(ATTRIBUTE.name, name);
      for (const value of values) attribute.string(ATTRIBUTE.strings, value);
      attribute.int(ATTRIBUTE.type, ATTRIBUTE_TYPE.STRINGS);
    });
const text =
  (name: string, value: string): NodeAttribute =>
  (node) =>
    node.message(NODE.attribute, (attribute) =>
      attribute.string(ATTRIBUTE.name, name).string(ATTRIBUTE.s, value).int(ATTRIBUTE.type, ATTRIBUTE_TYPE.STRING),
    );
const integer =
  (name: string, value: number): NodeAttribute =>
  (node) =>
    node.message(NODE.attribute, (attribute) =>
      attribute.string(ATTRIBUTE.name, name).int(ATTRIBUTE.i, value).int(ATTRIBUTE.type, ATTRIBUTE_TYPE.INT),
    );

/** A float tensor's type: [N, width]. */
const tensor = (name: string, width: number) => (writer: ProtobufWriter) =>
  writer.string(1, name).message(2, (type) =>
    type.message(1, (tensorType) =>
      tensorType.int(1, FLOAT_TENSOR).message(2, (shape) => {
        shape.message(1, (dimension) => dimension.string(2, 'N'));
        shape.message(1, (dimension) => dimension.int(1, width));
      }),
    ),
  );

/** The regressor's attributes: every node of every tree in parallel arrays, leaves as targets. */
function regressorAttributes(ensemble: TreeEnsemble): NodeAttribute[] {
  const nodes = {
    treeIds: [] as number[],
    nodeIds: [] as number[],
    featureIds: [] as number[],
    modes: [] as string[],
    values: [] as number[],
    trueIds: [] as number[],
    falseIds: [] as number[],
    missingTrue: [] as number[],
  };
  const targets = { treeIds: [] as number[], nodeIds: [] as number[], ids: [] as number[], weights: [] as number[] };
  ensemble.trees.forEach((tree, treeId) => {
    tree.forEach((node, nodeId) => {
      nodes.treeIds.push(treeId);
      nodes.nodeIds.push(nodeId);
      const leaf = node.kind === 'leaf';
      nodes.featureIds.push(leaf ? 0 : node.feature);
      nodes.modes.push(leaf ? 'LEAF' : node.mode);
      nodes.values.push(leaf ? 0 : node.threshold);
      nodes.trueIds.push(leaf ? 0 : node.trueChild);
      nodes.falseIds.push(leaf ? 0 : node.falseChild);
      nodes.missingTrue.push(!leaf && node.missingTracksTrue ? 1 : 0);
      if (leaf) {
        targets.treeIds.push(treeId);
        targets.nodeIds.push(nodeId);
        targets.ids.push(0);
        targets.weights.push(node.value);
      }
    });
  });
  return [
    text('aggregate_function', 'SUM'),
    text('post_transform', 'NONE'),
    integer('n_targets', 1),
    floats('base_values', [ensemble.baseValue]),
    ints('nodes_treeids', nodes.treeIds),
    ints('nodes_nodeids', nodes.nodeIds),
    ints('nodes_featureids', nodes.featureIds),
    strings('nodes_modes', nodes.modes),
    floats('nodes_values', nodes.values),
    ints('nodes_truenodeids', nodes.trueIds),
    ints('nodes_falsenodeids', nodes.falseIds),
    ints('nodes_missing_value_tracks_true', nodes.missingTrue),
    ints('target_treeids', targets.treeIds),
    ints('target_nodeids', targets.nodeIds),
    ints('target_ids', targets.ids),
    floats('target_weights', targets.weights),
  ];
}

/**
 * Encodes a tree ensemble as an ONNX model with one ai.onnx.ml TreeEnsembleRegressor node
 * (opset 3, which onnxruntime-node runs): input `features` float[N, featureCount], output
 * `predictions` float[N, 1].
 */
export function encodeTreeEnsembleOnnx(ensemble: TreeEnsemble, info: OnnxModelInfo): Uint8Array {
  const attributes = regressorAttributes(ensemble);
  const model = new ProtobufWriter()
    .int(MODEL.irVersion, 8)
    .string(MODEL.producerName, 'props models convert')
    .string(MODEL.producerVersion, '1')
    .int(MODEL.modelVersion, info.modelVersion)
    .message(MODEL.opsetImport, (opset) => opset.string(1, '').int(2, 17))
    .message(MODEL.opsetImport, (opset) => opset.string(1, 'ai.onnx.ml').int(2, 3))
    .message(MODEL.graph, (graph) => {
      graph.message(GRAPH.node, (node) => {
        node
          .string(NODE.input, ONNX_INPUT)
          .string(NODE.output, ONNX_OUTPUT)
          .string(NODE.name, 'tree_ensemble')
          .string(NODE.opType, 'TreeEnsembleRegressor')
          .string(NODE.domain, 'ai.onnx.ml');
        for (const attribute of attributes) attribute(node);
      });
      graph.string(GRAPH.name, 'tree_ensemble_regressor');
      graph.message(GRAPH.input, tensor(ONNX_INPUT, ensemble.featureCount));
      graph.message(GRAPH.output, tensor(ONNX_OUTPUT, 1));
    });
  for (const [key, value] of Object.entries(info.metadata).sort()) {
    model.message(MODEL.metadataProps, (entry) => entry.string(1, key).string(2, value));
  }
  return model.finish();
}
