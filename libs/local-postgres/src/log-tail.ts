/** Splits a process's output into lines, forwards each one, and remembers the last few for error messages. */
export class LogTail {
  private readonly recent: string[] = [];
  private partial = '';

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly keep = 30,
  ) {}

  write(chunk: Buffer | string): void {
    const lines = (this.partial + chunk.toString()).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.add(line);
  }

  /** Flushes an unterminated last line (the process has exited). */
  end(): void {
    if (this.partial !== '') this.add(this.partial);
    this.partial = '';
  }

  lines(): readonly string[] {
    return [...this.recent];
  }

  private add(line: string): void {
    const trimmed = line.trimEnd();
    if (trimmed === '') return;
    this.recent.push(trimmed);
    if (this.recent.length > this.keep) this.recent.shift();
    this.onLine(trimmed);
  }
}
