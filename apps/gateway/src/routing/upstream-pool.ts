/** The replicas of one upstream service, used in turn. */
export class UpstreamPool {
  private next = 0;

  constructor(readonly name: string, private readonly replicas: readonly string[]) {
    if (replicas.length === 0) throw new Error(`upstream ${name} has no replicas`);
  }

  pick(): string {
    const replica = this.replicas[this.next % this.replicas.length]!;
    this.next = (this.next + 1) % this.replicas.length;
    return replica;
  }

  get size(): number {
    return this.replicas.length;
  }
}
