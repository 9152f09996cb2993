// The targets of issue 13 and of the older rows, in one place for every table.
export const TARGETS = {
  ratioToArgon: 0.8,
  generatorPctPer100: 5,
  hashExcludedShare: 0.15,
  totpRate: 2500,
  totpP99: 50,
  healthzP99: 20,
  goodputRatio: 0.7,
  soakGrowthPct: 10,
  scaleP99Ratio: 1.2,
  peerRatio: 6,
  /** Issue 10: the provider costs at most a fifth of a plain sign-in. */
  oidcExtraShare: 0.2,
};
