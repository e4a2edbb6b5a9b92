export interface CliStreams {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
}

/** One CLI verb: gets the arguments after its name, returns the exit status. */
export interface Verb {
  readonly summary: string;
  run(args: readonly string[], streams: CliStreams): Promise<number>;
}
