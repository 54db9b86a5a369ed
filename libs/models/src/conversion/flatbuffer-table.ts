import { ModelFormatError } from './tree-ensemble';

/**
 * Just enough of the flatbuffers binary layout to read a CatBoost model: tables with vtables,
 * scalars, strings, vectors of scalars and vectors of tables, looked up by field slot.
 */
export class FlatbufferTable {
  constructor(
    private readonly view: DataView,
    private readonly position: number,
  ) {}

  static root(bytes: Uint8Array): FlatbufferTable {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.byteLength < 8) throw new ModelFormatError('flatbuffer is too short');
    return new FlatbufferTable(view, view.getUint32(0, true));
  }

  /** Absolute position of the field in `slot`, or undefined when the field is absent. */
  private field(slot: number): number | undefined {
    const vtable = this.position - this.view.getInt32(this.position, true);
    const vtableSize = this.view.getUint16(vtable, true);
    const entry = 4 + 2 * slot;
    if (entry >= vtableSize) return undefined;
    const offset = this.view.getUint16(vtable + entry, true);
    return offset === 0 ? undefined : this.position + offset;
  }

  private target(slot: number): number | undefined {
    const at = this.field(slot);
    return at === undefined ? undefined : at + this.view.getUint32(at, true);
  }

  int32(slot: number, fallback: number): number {
    const at = this.field(slot);
    return at === undefined ? fallback : this.view.getInt32(at, true);
  }

  uint8(slot: number, fallback: number): number {
    const at = this.field(slot);
    return at === undefined ? fallback : this.view.getUint8(at);
  }

  float64(slot: number, fallback: number): number {
    const at = this.field(slot);
    return at === undefined ? fallback : this.view.getFloat64(at, true);
  }

  string(slot: number): string | undefined {
    const at = this.target(slot);
    if (at === undefined) return undefined;
    const length = this.view.getUint32(at, true);
    return new TextDecoder().decode(new Uint8Array(this.view.buffer, this.view.byteOffset + at + 4, length));
  }

  vectorLength(slot: number): number {
    const at = this.target(slot);
    return at === undefined ? 0 : this.view.getUint32(at, true);
  }

  private scalars(slot: number, size: number, read: (position: number) => number): number[] {
    const at = this.target(slot);
    if (at === undefined) return [];
    const length = this.view.getUint32(at, true);
    return Array.from({ length }, (_, index) => read(at + 4 + index * size));
  }

  int32s(slot: number): number[] {
    return this.scalars(slot, 4, (position) => this.view.getInt32(position, true));
  }

  float32s(slot: number): number[] {
    return this.scalars(slot, 4, (position) => this.view.getFloat32(position, true));
  }

  float64s(slot: number): number[] {
    return this.scalars(slot, 8, (position) => this.view.getFloat64(position, true));
  }

  tables(slot: number): FlatbufferTable[] {
    return this.scalars(slot, 4, (position) => position + this.view.getUint32(position, true)).map(
      (position) => new FlatbufferTable(this.view, position),
    );
  }

  table(slot: number): FlatbufferTable | undefined {
    const at = this.target(slot);
    return at === undefined ? undefined : new FlatbufferTable(this.view, at);
  }

  strings(slot: number): string[] {
    return this.scalars(slot, 4, (position) => position + this.view.getUint32(position, true)).map((at) => {
      const length = this.view.getUint32(at, true);
      return new TextDecoder().decode(new Uint8Array(this.view.buffer, this.view.byteOffset + at + 4, length));
    });
  }
}
