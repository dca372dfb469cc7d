// A value with listeners: the app's only reactive primitive.

export type Listener<T> = (value: T) => void;

export class Signal<T> {
  private listeners = new Set<Listener<T>>();

  constructor(private current: T) {}

  get value(): T {
    return this.current;
  }

  set(value: T): void {
    if (Object.is(value, this.current)) return;
    this.current = value;
    for (const l of [...this.listeners]) l(value);
  }

  /** Calls `l` on every change; returns the function that stops it. */
  subscribe(l: Listener<T>): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}

/** Listeners of a kind of message, without a current value. */
export class Emitter<T> {
  private listeners = new Set<Listener<T>>();

  emit(value: T): void {
    for (const l of [...this.listeners]) l(value);
  }

  on(l: Listener<T>): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}
