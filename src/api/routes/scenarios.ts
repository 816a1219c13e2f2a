import { jsonResponse, ScenarioResponse } from "../../app/responses.ts";
import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { Router, type Request, type Response } from "express";
import { ValidationError } from "../../errors.ts";
import { sendCsv } from "../../app/csv-out.ts";
import type { AppDeps } from "../deps.ts";
import { defineRoute } from "../route.ts";
import { VOCABULARY } from "../../app/vocabulary.ts";
import { ScenarioService, scenarioCsvRows, type ScenarioAnswer, type ScenarioSpend } from "../../app/scenarios.ts";
import { ScenarioQuery, ScenarioRequestSchema } from "../../app/schemas.ts";
import { wantsCsv } from "../csv-negotiation.ts";

const SPEND_KEY = /^spend\.([^.]+)(?:\.(.+))?$/;
const FIXED_KEYS = new Set(["mmmId", "periods", "periodLength", "name", "format", "key"]);

/** What-if scenarios on a fitted MMM: plans in, incremental and total sales out, from memory after the first call. */
export function scenarioRoutes(deps: AppDeps, registry: OpenAPIRegistry): Router {
  const router = Router();
  const tags = ["scenarios"];
  const service = new ScenarioService(deps.store);

  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/v1/scenarios",
      summary: "Compare spend plans: predicted incremental and total sales with intervals, ROI, and the difference from the current plan",
      tags,
      body: ScenarioRequestSchema,
      aliases: { body: VOCABULARY.mmmId },
      responses: { 200: jsonResponse(ScenarioResponse, "One result per plan (JSON, or CSV with Accept: text/csv)") },
    },
    async (req, res, { body }) => send(req, res, await service.run(body)),
  );

  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/v1/scenarios",
      summary: "One spend plan from the query string (for spreadsheets): ?mmmId=…&spend.tv=5000&spend.search.SMB=800&format=csv",
      description: "Google Sheets: =IMPORTDATA(url); Excel: =WEBSERVICE(url) or Power Query From Web. Channels not named keep their current spend.",
      tags,
      query: ScenarioQuery,
      aliases: { query: VOCABULARY.mmmId },
      responses: { 200: jsonResponse(ScenarioResponse, "The scenario (CSV with format=csv)") },
    },
    async (req, res, { query }) => {
      const spend: ScenarioSpend[] = [];
      for (const [k, v] of Object.entries(query)) {
        if (FIXED_KEYS.has(k)) continue;
        const m = SPEND_KEY.exec(k);
        if (!m)
          throw new ValidationError(`Unknown query parameter ${k}: use spend.<channel>=amount or spend.<channel>.<segment>=amount.`, [
            { path: ["query", k], message: "unknown parameter" },
          ]);
        const amount = Number(v);
        if (typeof v !== "string" || v.trim() === "" || !Number.isFinite(amount) || amount < 0) {
          throw new ValidationError(`${k}: "${String(v)}" is not an amount ≥ 0.`, [{ path: ["query", k], message: "not an amount ≥ 0", value: v }]);
        }
        spend.push({ channel: m[1]!, ...(m[2] !== undefined && { segment: m[2] }), amount });
      }
      send(req, res, await service.run({ mmmId: query.mmmId, periods: query.periods, periodLength: query.periodLength, plans: [{ name: query.name, spend }] }));
    },
  );
  return router;
}

function send(req: Request, res: Response, answer: ScenarioAnswer): void {
  if (wantsCsv(req, res)) {
    sendCsv(res, "scenario", scenarioCsvRows(answer));
    return;
  }
  res.json(answer);
}
