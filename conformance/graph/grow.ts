// A growable Int32Array: the graph reader and the path cover append millions of integers without knowing
// how many in advance, and keep them in typed memory rather than in arrays of boxed numbers.

export class GrowInt32 {
  data = new Int32Array(4096);
  length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }

  /** A copy holding exactly the values pushed. */
  trimmed(): Int32Array {
    return this.data.slice(0, this.length);
  }
}
