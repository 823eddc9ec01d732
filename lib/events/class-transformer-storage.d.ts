// class-transformer ships the declaration of its metadata storage beside, not inside, its
// CommonJS build; this points the compiler at it.
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
