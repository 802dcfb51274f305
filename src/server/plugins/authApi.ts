/**
 * The login interfaces (piaozone-api §1.2): 1.01 app_token, 1.02 access_token, logout. Tokens are
 * issued and checked on the wall clock (src/server/auth.ts).
 */
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import { AUTH_PATHS } from "../../gateway/interfaces";
import { issueAppToken, login, logout } from "../auth";
import { APP_TOKEN_BODY_SCHEMA, LOGIN_BODY_SCHEMA, LOGOUT_BODY_SCHEMA } from "../protocol/schemas";
import { sendJson } from "../reply";
import { type GatewaySettings, presentedToken, sendRefusal } from "./shared";

const authReply = (
  reply: FastifyReply,
  field: "app_token" | "access_token",
  token: string,
  expireTime: number
) =>
  sendJson(reply, {
    data: { [field]: token, success: true, error_desc: "", expire_time: expireTime, error_code: "0" },
    state: "success",
    status: true,
    errorCode: "0",
    success: true,
    message: "",
  });

export const authApiPlugin: FastifyPluginAsync<{ settings: GatewaySettings }> = async (app, { settings }) => {
  const { db, wallClock } = settings;

  app.post(AUTH_PATHS.appToken, { schema: { body: APP_TOKEN_BODY_SCHEMA } }, async (req, reply) => {
    const body = req.body as { appId: string; appSecret: string; accountId: string };
    const r = await issueAppToken(db, body, wallClock.now());
    if (!r.ok)
      return sendRefusal(settings, req, reply, "auth", {
        code: r.code,
        ...(r.params ? { params: r.params } : {}),
      });
    return authReply(reply, "app_token", r.value.token, r.value.expireTime);
  });

  app.post(AUTH_PATHS.login, { schema: { body: LOGIN_BODY_SCHEMA } }, async (req, reply) => {
    const body = req.body as {
      user: string;
      apptoken: string;
      accountId: string;
      /** Optional on the wire: an absent usertype means UserName (a public PHP client omits it). */
      usertype?: "UserName" | "Mobile";
    };
    const r = await login(db, { ...body, usertype: body.usertype ?? "UserName" }, wallClock.now());
    if (!r.ok)
      return sendRefusal(settings, req, reply, "auth", {
        code: r.code,
        ...(r.params ? { params: r.params } : {}),
      });
    return authReply(reply, "access_token", r.value.token, r.value.expireTime);
  });

  app.post(AUTH_PATHS.logout, { schema: { body: LOGOUT_BODY_SCHEMA } }, async (req, reply) => {
    const token = (req.body as { access_token?: string } | undefined)?.access_token || presentedToken(req);
    if (!token) return sendRefusal(settings, req, reply, "auth", { code: "GW_TOKEN_MISSING" });
    await logout(db, token, wallClock.now());
    return sendJson(reply, {
      data: { success: true, error_code: "0", error_desc: "" },
      state: "success",
      status: true,
      errorCode: "0",
      success: true,
      message: "",
    });
  });
};
