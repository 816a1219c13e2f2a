import { adstockWeights, type AdstockSpec } from "./adstock.ts";
import type { SaturationSpec } from "./saturation.ts";

/**
 * The adstock and saturation families a Bayesian fit can use, each with its parameters on an unconstrained scale
 * (what the sampler moves), their priors (log density including the Jacobian of the transform, and its
 * derivative), and the derivatives the gradient needs. Saturation acts on z = adstocked spend / the channel's
 * typical spend while on (mean of its positive spend), so priors read the same for every channel.
 */
export const ADSTOCK_FORMS = ["geometric", "delayed", "weibull-cdf", "weibull-pdf"] as const;
export const SATURATION_FORMS = ["hill", "logistic", "michaelis-menten"] as const;
export type AdstockForm = (typeof ADSTOCK_FORMS)[number];
export type SaturationForm = (typeof SATURATION_FORMS)[number];

/** A prior on one parameter: Beta on a (0, upper) interval (as a share of it), or log-normal on a positive one. */
export type ParamPrior =
  | { readonly dist: "beta"; readonly a: number; readonly b: number }
  | { readonly dist: "lognormal"; readonly mu: number; readonly sigma: number };

export interface ParamSpec {
  readonly name: string;
  /** "unit": value = upper · sigmoid(u); "positive": value = exp(u). */
  readonly kind: "unit" | "positive";
  readonly upper?: number;
  readonly prior: ParamPrior;
}

/** Default priors, written out in README's "Priors" table. */
export function adstockParams(form: AdstockForm, lMax: number): ParamSpec[] {
  switch (form) {
    case "geometric":
      // PyMC-Marketing's default for geometric adstock
      return [{ name: "alpha", kind: "unit", upper: 1, prior: { dist: "beta", a: 1, b: 3 } }];
    case "delayed":
      return [
        { name: "alpha", kind: "unit", upper: 1, prior: { dist: "beta", a: 1, b: 3 } },
        { name: "theta", kind: "unit", upper: Math.max(lMax - 1, 1e-9), prior: { dist: "beta", a: 1.5, b: 3 } },
      ];
    case "weibull-cdf":
    case "weibull-pdf":
      return [
        { name: "shape", kind: "positive", prior: { dist: "lognormal", mu: 0, sigma: 1 } },
        { name: "scale", kind: "positive", prior: { dist: "lognormal", mu: Math.log(2), sigma: 1 } },
      ];
  }
}

export function saturationParams(form: SaturationForm): ParamSpec[] {
  switch (form) {
    case "hill":
      return [
        { name: "kappa", kind: "positive", prior: { dist: "lognormal", mu: 0, sigma: 1 } },
        { name: "slope", kind: "positive", prior: { dist: "lognormal", mu: 0, sigma: 0.5 } },
      ];
    case "logistic":
      return [{ name: "lam", kind: "positive", prior: { dist: "lognormal", mu: 0, sigma: 1 } }];
    case "michaelis-menten":
      return [{ name: "kappa", kind: "positive", prior: { dist: "lognormal", mu: 0, sigma: 1 } }];
  }
}

const sigmoid = (u: number) => (u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u)));

export function toNatural(p: ParamSpec, u: number): number {
  return p.kind === "unit" ? p.upper! * sigmoid(u) : Math.exp(u);
}

export function toUnconstrained(p: ParamSpec, v: number): number {
  if (p.kind === "positive") return Math.log(v);
  const f = Math.min(1 - 1e-9, Math.max(1e-9, v / p.upper!));
  return Math.log(f / (1 - f));
}

/** log prior of the natural value plus log |d value / du|, and its derivative in u. */
export function logPrior(p: ParamSpec, u: number): { lp: number; grad: number } {
  const pr = p.prior;
  if (pr.dist === "lognormal") {
    // u = log value ~ N(mu, sigma): the Jacobian cancels the 1/value of the log-normal density
    const z = (u - pr.mu) / pr.sigma;
    return { lp: -0.5 * z * z, grad: -z / pr.sigma };
  }
  // f = sigmoid(u) ~ Beta(a, b); with the Jacobian f(1 − f): f^a (1 − f)^b
  const f = sigmoid(u);
  const lf = u >= 0 ? -Math.log1p(Math.exp(-u)) : u - Math.log1p(Math.exp(u));
  const l1f = u >= 0 ? -u - Math.log1p(Math.exp(-u)) : -Math.log1p(Math.exp(u));
  return { lp: pr.a * lf + pr.b * l1f, grad: pr.a * (1 - f) - pr.b * f };
}

/** The natural adstock spec of a form at natural parameter values (normalised weights, as every fit uses). */
export function adstockSpec(form: AdstockForm, v: readonly number[], lMax: number): AdstockSpec {
  switch (form) {
    case "geometric":
      return { kind: "geometric", alpha: Math.min(v[0]!, 1 - 1e-12), lMax, normalize: true };
    case "delayed":
      return { kind: "delayed", alpha: Math.min(v[0]!, 1 - 1e-12), theta: Math.min(v[1]!, lMax - 1), lMax, normalize: true };
    case "weibull-cdf":
    case "weibull-pdf":
      return { kind: form, shape: v[0]!, scale: v[1]!, lMax, normalize: true };
  }
}

/**
 * Lag weights at unconstrained values u and their derivatives in each u (central differences on the lMax weights
 * alone: cheap, accurate to ~1e-9, and the sampler stays exact with any gradient as its Metropolis step uses the
 * true density).
 */
export function weightsWithGradient(form: AdstockForm, params: readonly ParamSpec[], u: readonly number[], lMax: number): { w: number[]; dw: number[][] } {
  const at = (uu: readonly number[]) =>
    adstockWeights(
      adstockSpec(
        form,
        uu.map((x, i) => toNatural(params[i]!, x)),
        lMax,
      ),
    );
  const w = at(u);
  const h = 1e-5;
  const dw = u.map((_, i) => {
    const up = at(u.map((x, k) => (k === i ? x + h : x)));
    const dn = at(u.map((x, k) => (k === i ? x - h : x)));
    return up.map((v, l) => (v - dn[l]!) / (2 * h));
  });
  return { w, dw };
}

/**
 * Saturation s(z) at scaled spend z, ds/dz, and ds/du for each of the form's unconstrained parameters (log kappa,
 * log slope, log lam).
 */
export function saturationWithGradient(form: SaturationForm, v: readonly number[], z: number): { s: number; dz: number; du: number[] } {
  if (z <= 0) {
    // at 0 spend every form is 0; its slope there matters only for mROI, evaluated elsewhere
    const dz = form === "logistic" ? v[0]! / 2 : form === "michaelis-menten" ? 1 / v[0]! : v[1]! === 1 ? 1 / v[0]! : 0;
    return { s: 0, dz, du: v.map(() => 0) };
  }
  switch (form) {
    case "hill": {
      const [kappa, slope] = [v[0]!, v[1]!];
      const r = Math.exp(slope * Math.log(kappa / z));
      const q = 1 / (1 + r);
      const d = r * q * q;
      return { s: q, dz: (slope * d) / z, du: [-slope * d, -slope * Math.log(kappa / z) * d] };
    }
    case "logistic": {
      const lam = v[0]!;
      const e = Math.exp(-lam * z);
      const d = (2 * e) / (1 + e) ** 2;
      return { s: (1 - e) / (1 + e), dz: lam * d, du: [lam * z * d] };
    }
    case "michaelis-menten": {
      const kappa = v[0]!;
      const den = z + kappa;
      return { s: z / den, dz: kappa / (den * den), du: [(-kappa * z) / (den * den)] };
    }
  }
}

/** The fitted saturation in spend units (z = spend / scale), as the response curves and optimizer take it. */
export function saturationSpec(form: SaturationForm, v: readonly number[], scale: number): SaturationSpec {
  switch (form) {
    case "hill":
      return { kind: "hill", kappa: v[0]! * scale, slope: v[1]! };
    case "logistic":
      return { kind: "logistic", lam: v[0]! / scale };
    case "michaelis-menten":
      // z/(z + κ) = s/(s + κ·scale): a Hill curve of slope 1; alpha 1 as the coefficient carries the scale
      return { kind: "michaelis-menten", alpha: 1, lam: v[0]! * scale };
  }
}
