/** Where sample JPEGs live. The filesystem implementation serves one machine; object storage fits the same port. */
export interface BlobStore {
  /** Writes atomically: a reader sees the whole blob or none. Writing the same key twice is harmless. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** Undefined when the key has no blob. */
  get(key: string): Promise<Uint8Array | undefined>;
  delete(key: string): Promise<void>;
}
