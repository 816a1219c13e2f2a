/** What a job handler gets besides its payload (its own module, so the handlers and their kinds import no circle). */
export interface JobContext {
  /** fraction in [0, 1]; message says what is happening ("epoch 3/50, loss 0.12"). */
  progress(fraction: number, message: string): void;
}
