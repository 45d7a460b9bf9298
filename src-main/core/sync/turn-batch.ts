/**
 * Calls made in the same turn of the event loop share one flush (one transaction for all of
 * them, say). Each call gets its own item's result; a failed flush fails every call in it.
 */
export class TurnBatch<T, R> {
  private items: T[] = [];
  private next: Promise<R[]> | null = null;

  constructor(private readonly flush: (items: T[]) => Promise<R[]>) {}

  async add(item: T): Promise<R> {
    const index = this.items.push(item) - 1;
    this.next ??= new Promise<void>((r) => setImmediate(r)).then(() => {
      const batch = this.items;
      this.items = [];
      this.next = null;
      return this.flush(batch);
    });
    return (await this.next)[index]!;
  }
}
