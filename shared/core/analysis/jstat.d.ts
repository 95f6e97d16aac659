// jstat ships no type declarations (and there is no @types/jstat); this is the part the judge uses.
declare module 'jstat' {
  interface JStat {
    beta: {
      /** The regularized incomplete beta function I_x(a, b). */
      cdf(x: number, a: number, b: number): number;
      /** Its inverse in x: the p-quantile of Beta(a, b). */
      inv(p: number, a: number, b: number): number;
    };
  }
  const jStat: JStat;
  export default jStat;
}
