// The parts of jstat mixcast uses (jstat ships no types). It is CommonJS: import the default export.
declare module "jstat" {
  const jstat: {
    jStat: {
      tukey: {
        /** CDF of the studentized range for `nmeans` groups and `dof` error degrees of freedom (AS 190). */
        cdf(q: number, nmeans: number, dof: number): number;
        inv(p: number, nmeans: number, dof: number): number;
      };
    };
  };
  export default jstat;
}
