import type { ErrorInfo } from './disabled-api-answer';

/**
 * A `google.rpc.Status` carrying one ErrorInfo, in protobuf's wire format, encoded by hand
 * (https://protobuf.dev/programming-guides/encoding/): each field is a tag varint
 * (field number << 3 | wire type) then a varint (type 0) or a length-delimited value (type 2:
 * varint length, then the bytes); a map is a repeated entry message {key = 1, value = 2}.
 * Field numbers from googleapis/googleapis: google/rpc/status.proto (code = 1, message = 2,
 * details = 3), google/protobuf/any.proto (type_url = 1, value = 2) and
 * google/rpc/error_details.proto ErrorInfo (reason = 1, domain = 2, metadata = 3).
 */
function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

const VARINT = 0;
const LENGTH_DELIMITED = 2;

function varintField(field: number, value: number): Buffer {
  return Buffer.concat([varint((field << 3) | VARINT), varint(value)]);
}

function bytesField(field: number, value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([varint((field << 3) | LENGTH_DELIMITED), varint(bytes.length), bytes]);
}

function errorInfoMessage(info: ErrorInfo): Buffer {
  const entries = Object.entries(info.metadata).map(([key, value]) =>
    bytesField(3, Buffer.concat([bytesField(1, key), bytesField(2, value)])),
  );
  return Buffer.concat([bytesField(1, info.reason), bytesField(2, info.domain), ...entries]);
}

/** google.rpc.Status {code, message, details: [Any{ErrorInfo}]} as protobuf bytes. */
export function encodeRpcStatus(code: number, message: string, info: ErrorInfo): Buffer {
  const any = Buffer.concat([
    bytesField(1, 'type.googleapis.com/google.rpc.ErrorInfo'),
    bytesField(2, errorInfoMessage(info)),
  ]);
  return Buffer.concat([varintField(1, code), bytesField(2, message), bytesField(3, any)]);
}
