import { TransformationType } from 'class-transformer';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import type { MetadataMaps } from './class-transformer-metadata';
import type { LayoutDecoder } from './layout-decoder';
import type { LayoutEncoder } from './layout-encoder';

/** What a `@Transform` decorator records: the function and its options. */
interface TransformMetadata {
  transformFn: (params: { value: unknown; key: string; obj: object; type: TransformationType; options: object }) => unknown;
  options?: { groups?: unknown[]; since?: number; until?: number };
}

/** What a `@Type` decorator records. */
interface TypeMetadata {
  reflectedType?: unknown;
  typeFunction?: (options?: unknown) => unknown;
  options?: { discriminator?: unknown };
}

/** A class that class-transformer builds with `new Type()` when it reads a payload. */
export type ShapedClass = new () => object;

/** How a field whose value class-transformer converts (`@Type`) is encoded and decoded. */
export type FieldType = { readonly kind: 'date' } | { readonly kind: 'class'; readonly shape: ClassShape } | { readonly kind: 'data' };

/** A field of a class with class-transformer metadata: its declared type and `@Transform`s. */
export interface ShapedField {
  readonly type: FieldType;
  /**
   * Whether class-transformer reads an array stored in the field into a plain array. It builds
   * the array from the field's reflected type (`new Set()` for a `Set` field, and for a class it
   * calls the constructor); only for the built-in types below is that an empty array.
   */
  readonly readsArrays: boolean;
  /** `@Transform` functions applied on the way to the log, in class-transformer's order. */
  readonly toPlain: readonly TransformMetadata['transformFn'][];
  /** `@Transform` functions applied on the way back, in class-transformer's order. */
  readonly toClass: readonly TransformMetadata['transformFn'][];
}

/**
 * What class-transformer does to the instances of one class, read once from its decorators:
 * the fields it converts. Every other field holds JSON data, copied as it is.
 */
export interface ClassShape {
  readonly type: ShapedClass;
  readonly prototype: object;
  /** The fields with a `@Type` or a `@Transform`, by property name. */
  readonly fields: ReadonlyMap<string, ShapedField>;
  /** Decoders compiled for the layouts of payloads seen so far (see `compileLayout`), at most `MAX_LAYOUTS`. */
  readonly layouts: LayoutDecoder[];
  /** Encoders compiled for the layouts of instances seen so far (see `compileEncodeLayout`), at most `MAX_LAYOUTS`. */
  readonly encodeLayouts: LayoutEncoder[];
}

/** Reflected types for which class-transformer reads a stored array into a plain array. */
const PLAIN_ARRAY_TYPES: readonly unknown[] = [undefined, Array, Object, Date, String, Number, Boolean];

/**
 * Reads the shape of `type` and of every class its `@Type` decorators name, or answers
 * `undefined` when class-transformer does something to them that the compiled codec does not
 * reproduce: `@Expose` and `@Exclude` (which choose and rename keys), a `@Type` with a
 * discriminator or whose type function looks at the object, a `@Type` to anything but `Date` or a
 * class (`Map`, `Set`, `String`, `Buffer`...), a `@Transform` limited to groups or versions. Such
 * classes keep going through class-transformer itself.
 *
 * @example
 * ```ts
 * readClassShape(OrderPlaced)?.fields.get('placedAt'); // { type: { kind: 'date' }, ... }
 * ```
 */
export function readClassShape(type: Function): ClassShape | undefined {
  const storage = defaultMetadataStorage as unknown as MetadataMaps;
  const { _typeMetadatas, _transformMetadatas, _exposeMetadatas, _excludeMetadatas } = storage;
  // class-transformer keeps its metadata in maps it does not publish: if they are not where
  // expected, nothing is compiled and every class keeps the faithful path.
  if (![_typeMetadatas, _transformMetadatas, _exposeMetadatas, _excludeMetadatas].every((map) => map instanceof Map)) return undefined;
  const maps = {
    types: _typeMetadatas as Map<Function, Map<string, TypeMetadata>>,
    transforms: _transformMetadatas as Map<Function, Map<string, TransformMetadata[]>>,
    exposes: _exposeMetadatas as Map<Function, unknown>,
    excludes: _excludeMetadatas as Map<Function, unknown>,
  };
  try {
    return new ShapeReader(maps).read(type);
  } catch {
    // A type function that throws (a class not yet defined, say) leaves the decision to
    // class-transformer, which calls it again when it needs it.
    return undefined;
  }
}

interface Maps {
  readonly types: Map<Function, Map<string, TypeMetadata>>;
  readonly transforms: Map<Function, Map<string, TransformMetadata[]>>;
  readonly exposes: Map<Function, unknown>;
  readonly excludes: Map<Function, unknown>;
}

/** Reads one class's shape and the shapes it refers to; a class that refers to itself is read once. */
class ShapeReader {
  private readonly shapes = new Map<Function, ClassShape>();

  constructor(private readonly maps: Maps) {}

  read(type: Function): ClassShape | undefined {
    const known = this.shapes.get(type);
    if (known) return known;
    const chain = classChain(type);
    if (chain.some((member) => this.maps.exposes.has(member) || this.maps.excludes.has(member))) return undefined;
    const fields = new Map<string, ShapedField>();
    const shape: ClassShape = { type: type as ShapedClass, prototype: type.prototype as object, fields, layouts: [], encodeLayouts: [] };
    this.shapes.set(type, shape);
    for (const property of this.declaredProperties(chain)) {
      const field = this.field(type, property);
      if (!field) return undefined;
      fields.set(property, field);
    }
    return shape;
  }

  private declaredProperties(chain: readonly Function[]): Set<string> {
    const properties = new Set<string>();
    for (const member of chain) {
      for (const map of [this.maps.types.get(member), this.maps.transforms.get(member)]) {
        // A symbol-named property is never among the keys class-transformer walks.
        for (const property of map?.keys() ?? []) if (typeof property === 'string') properties.add(property);
      }
    }
    return properties;
  }

  private field(owner: Function, property: string): ShapedField | undefined {
    const typeMetadata = defaultMetadataStorage.findTypeMetadata(owner, property) as TypeMetadata | undefined;
    const type = typeMetadata ? this.fieldType(typeMetadata) : { kind: 'data' as const };
    const toPlain = this.transforms(owner, property, TransformationType.CLASS_TO_PLAIN);
    const toClass = this.transforms(owner, property, TransformationType.PLAIN_TO_CLASS);
    if (!type || !toPlain || !toClass) return undefined;
    return { type, readsArrays: PLAIN_ARRAY_TYPES.includes(typeMetadata?.reflectedType), toPlain, toClass };
  }

  private fieldType(metadata: TypeMetadata): FieldType | undefined {
    const { typeFunction, reflectedType, options } = metadata;
    // A type function that takes the object decides per value; only a constant one is compiled.
    if (options?.discriminator || typeof typeFunction !== 'function' || typeFunction.length > 0 || reflectedType === Map) return undefined;
    const declared = typeFunction();
    if (declared === Date) return { kind: 'date' };
    if (typeof declared !== 'function' || isBuiltIn(declared)) return undefined;
    const shape = this.read(declared);
    return shape && { kind: 'class', shape };
  }

  private transforms(owner: Function, property: string, direction: TransformationType): TransformMetadata['transformFn'][] | undefined {
    const found = defaultMetadataStorage.findTransformMetadatas(owner, property, direction) as unknown as TransformMetadata[];
    // Without groups or a version in the options (eventfold passes none), class-transformer drops
    // the transforms limited to groups; one limited to versions would apply, but is rare enough
    // to leave to it.
    if (found.some((metadata) => metadata.options?.since !== undefined || metadata.options?.until !== undefined)) return undefined;
    return found.filter((metadata) => !metadata.options?.groups?.length).map((metadata) => metadata.transformFn);
  }
}

/** The class and its ancestors, as class-transformer finds inherited metadata. */
function classChain(type: Function): Function[] {
  const chain: Function[] = [];
  for (let current: unknown = type; typeof current === 'function' && current.prototype !== undefined; current = Object.getPrototypeOf(current)) {
    chain.push(current);
  }
  return chain;
}

/** Classes of the platform, which class-transformer converts in ways of its own (or not at all). */
function isBuiltIn(type: Function): boolean {
  return (
    [String, Number, Boolean, Array, Object, Map, Set, Promise, Function, Symbol, BigInt, RegExp, Error].includes(type as never) ||
    (typeof Buffer === 'function' && type === Buffer)
  );
}
