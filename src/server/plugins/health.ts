/** `GET /health`: database reachable, mode, version and the business clock (no credentials, no data). */
import type { FastifyPluginAsync } from "fastify";
import pkg from "../../../package.json";
import { pingDatabase } from "../db/connect";
import { sendJson } from "../reply";
import type { GatewaySettings } from "./shared";

export const SERVER_VERSION: string = pkg.version;

export interface HealthOptions {
  readonly settings: GatewaySettings;
  readonly mode: "sandbox" | "relay";
}

export const healthPlugin: FastifyPluginAsync<HealthOptions> = async (app, { settings, mode }) => {
  app.get("/health", async (_req, reply) => {
    const dbOk = await pingDatabase(settings.db);
    return sendJson(
      reply,
      {
        ok: dbOk,
        db: dbOk ? "ok" : "down",
        dialect: settings.dialect,
        mode,
        version: SERVER_VERSION,
        now: settings.clock.now(),
      },
      dbOk ? 200 : 503
    );
  });
};
