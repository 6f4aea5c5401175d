/** dcmjs ships no types; `dcmjsIo.ts` types the few parts PatchLens uses. */
declare module 'dcmjs' {
  const dcmjs: unknown;
  export default dcmjs;
}
