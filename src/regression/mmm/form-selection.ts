/** How each channel's forms were chosen by "auto": candidates and their out-of-sample scores. */
export interface FormSelection {
  readonly criterion: string;
  readonly channels: readonly unknown[];
}
