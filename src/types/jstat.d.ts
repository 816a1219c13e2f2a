// The parts of jstat mixcast uses (jstat ships no types).
declare module "jstat" {
  export const jStat: {
    tukey: {
      /** CDF of the studentized range for `nmeans` groups and `dof` error degrees of freedom (AS 190). */
      cdf(q: number, nmeans: number, dof: number): number;
      inv(p: number, nmeans: number, dof: number): number;
    };
  };
}
