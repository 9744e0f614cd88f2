/**
 * Answers for values that recur in an event stream (ARNs, sessions, bucket names, times), kept until the cache holds
 * `limit` of them and then dropped all at once: a stream of distinct values (object paths, new tables) must not grow it
 * without bound, and a cleared cache refills with the few values that matter within a few events.
 */
export class BoundedCache<V, K = string> {
  private readonly answers = new Map<K, V>();

  constructor(private readonly limit = 10_000) {}

  get(key: K): V | undefined {
    return this.answers.get(key);
  }

  /** Stores the answer and returns it. */
  set(key: K, value: V): V {
    if (this.answers.size >= this.limit) this.answers.clear();
    this.answers.set(key, value);
    return value;
  }
}
