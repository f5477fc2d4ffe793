/** A one-way gate: `opened` resolves the first time `open` is called (later calls do nothing). */
export class Latch {
  readonly opened: Promise<void>;
  open!: () => void;

  constructor() {
    this.opened = new Promise((resolve) => (this.open = resolve));
  }
}
