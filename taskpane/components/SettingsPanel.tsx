import * as React from "react";
import { Button, Checkbox, Field, Input, Select, makeStyles, tokens } from "@fluentui/react-components";
import { Channel, EnterpriseNature } from "../../src/domain/labels";
import { RED_REASON_CODE_MAPPINGS } from "../../src/gateway";
import { LANGS, type MessageKey } from "../i18n";
import { usePane } from "../hooks/usePane";
import type { ConnectionTest } from "../services/gateway";
import type { ReasonMappingName, Secrets, Settings } from "../services/settings";
import { Notice } from "./Notice";

export interface SettingsPanelProps {
  readonly settings: Settings;
  readonly secrets: Secrets;
  readonly onSave: (settings: Settings, secrets: Secrets) => void;
  readonly onTest: (settings: Settings, secrets: Secrets) => Promise<ConnectionTest>;
  /** False without an Office partition key: 记住密钥 is then unavailable (secrets stay in memory). */
  readonly canRememberSecrets: boolean;
}

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  buttons: { display: "flex", gap: tokens.spacingHorizontalS },
});

type TextKey = "gatewayUrl" | "appId" | "accountId" | "user" | "businessSystemCode" | "orgName" | "orgTaxId";

/** 设置: gateway, login, organisation, encoding, red-reason codes, language; 测试连接 = login + /health. */
export const SettingsPanel: React.FC<SettingsPanelProps> = ({
  settings,
  secrets,
  onSave,
  onTest,
  canRememberSecrets,
}) => {
  const { t } = usePane();
  const styles = useStyles();
  const [s, setS] = React.useState(settings);
  const [sec, setSec] = React.useState(secrets);
  const [message, setMessage] = React.useState<{ intent: "success" | "error" | "info"; text: string } | null>(
    null
  );
  const [testing, setTesting] = React.useState(false);

  const text = (key: TextKey, label: MessageKey, hint?: MessageKey) => (
    <Field label={t(label)} hint={hint ? t(hint) : undefined}>
      <Input data-testid={`set-${key}`} value={s[key]} onChange={(_, d) => setS({ ...s, [key]: d.value })} />
    </Field>
  );

  const test = async () => {
    setTesting(true);
    setMessage({ intent: "info", text: t("set.testing") });
    const r = await onTest(s, sec);
    setTesting(false);
    if (r.ok) setMessage({ intent: "success", text: t("set.testOk") });
    else if (r.stage === "login")
      setMessage({ intent: "error", text: t("set.testLoginFailed", { message: r.refusal.message }) });
    else setMessage({ intent: "error", text: t("set.testHealthFailed", { message: r.message }) });
  };

  return (
    <form
      className={styles.root}
      aria-label={t("tab.settings")}
      onSubmit={(e) => {
        e.preventDefault();
        onSave(s, sec);
        setMessage({ intent: "success", text: t("set.saved") });
      }}
    >
      {text("gatewayUrl", "set.gatewayUrl", "set.gatewayUrlHint")}
      {text("appId", "set.appId")}
      <Field label={t("set.appSecret")}>
        <Input
          data-testid="set-appSecret"
          type="password"
          value={sec.appSecret}
          onChange={(_, d) => setSec({ ...sec, appSecret: d.value })}
        />
      </Field>
      {text("accountId", "set.accountId")}
      {text("user", "set.user")}
      <Field label={t("set.userType")}>
        <Select
          data-testid="set-userType"
          value={s.userType}
          onChange={(_, d) => setS({ ...s, userType: d.value as Settings["userType"] })}
        >
          <option value="UserName">{t("set.userType.UserName")}</option>
          <option value="Mobile">{t("set.userType.Mobile")}</option>
        </Select>
      </Field>
      {text("businessSystemCode", "set.businessSystemCode")}
      {text("orgName", "set.orgName")}
      {text("orgTaxId", "set.orgTaxId")}
      <Field label={t("set.enterpriseNature")}>
        <Select
          data-testid="set-enterpriseNature"
          value={s.enterpriseNature}
          onChange={(_, d) => setS({ ...s, enterpriseNature: d.value as Settings["enterpriseNature"] })}
        >
          {EnterpriseNature.values.map((v) => (
            <option key={v}>{v}</option>
          ))}
        </Select>
      </Field>
      <Field label={t("set.channel")}>
        <Select
          data-testid="set-channel"
          value={s.channel}
          onChange={(_, d) => setS({ ...s, channel: d.value as Settings["channel"] })}
        >
          {Channel.values.map((v) => (
            <option key={v}>{v}</option>
          ))}
        </Select>
      </Field>
      <Field label={t("set.encoding")}>
        <Select
          data-testid="set-encoding"
          value={s.encoding}
          onChange={(_, d) => setS({ ...s, encoding: d.value as Settings["encoding"] })}
        >
          <option value="base64">base64</option>
          <option value="aes">AES</option>
        </Select>
      </Field>
      {s.encoding === "aes" ? (
        <Field label={t("set.aesPassword")}>
          <Input
            data-testid="set-aesPassword"
            type="password"
            value={sec.aesPassword}
            onChange={(_, d) => setSec({ ...sec, aesPassword: d.value })}
          />
        </Field>
      ) : null}
      <Field label={t("set.reasonMapping")}>
        <Select
          data-testid="set-reasonMapping"
          value={s.reasonMapping}
          onChange={(_, d) => setS({ ...s, reasonMapping: d.value as ReasonMappingName })}
        >
          {(Object.keys(RED_REASON_CODE_MAPPINGS) as ReasonMappingName[]).map((k) => (
            <option key={k} value={k}>
              {t(`set.reasonMapping.${k}`)}
            </option>
          ))}
        </Select>
      </Field>
      <Field label={t("set.language")}>
        <Select
          data-testid="set-language"
          value={s.language}
          onChange={(_, d) => setS({ ...s, language: d.value as Settings["language"] })}
        >
          {LANGS.map((l) => (
            <option key={l} value={l}>
              {l === "zh-CN" ? "简体中文" : "English"}
            </option>
          ))}
        </Select>
      </Field>
      <Field hint={canRememberSecrets ? undefined : t("set.rememberSecretsUnavailable")}>
        <Checkbox
          data-testid="set-rememberSecrets"
          label={t("set.rememberSecrets")}
          disabled={!canRememberSecrets}
          checked={canRememberSecrets && s.rememberSecrets}
          onChange={(_, d) => setS({ ...s, rememberSecrets: d.checked === true })}
        />
      </Field>
      <div className={styles.buttons}>
        <Button data-testid="set-save" appearance="primary" type="submit">
          {t("set.save")}
        </Button>
        <Button data-testid="set-test" disabled={testing} onClick={() => void test()}>
          {t("set.test")}
        </Button>
      </div>
      <Notice testId="set-message" intent={message?.intent ?? "info"} text={message?.text ?? null} />
    </form>
  );
};
