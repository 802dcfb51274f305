import * as React from "react";
import {
  Button,
  Menu,
  MenuDivider,
  MenuGroup,
  MenuGroupHeader,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
} from "@fluentui/react-components";
import { SCHEMAS, type SheetKind } from "../../src/sheet/schemas";
import { usePane } from "../hooks/usePane";
import {
  KIND_SPECS,
  TEMPLATE_KINDS,
  insertTemplate,
  templatePortOf,
  type TemplateKind,
} from "../workflows/bulkImport";

export interface NewSheetMenuProps {
  readonly onMessage: (intent: "success" | "error", text: string) => void;
}

const KINDS: readonly SheetKind[] = ["blueInvoices", "infoForms", "confirmForms", "inputPool"];

/**
 * 新建工作表: a template sheet of each kind (header, formats, drop-downs) via port.createSheet, and
 * the bulk-import templates (with their 说明 sheet) via port.createTemplateSheet.
 */
export const NewSheetMenu: React.FC<NewSheetMenuProps> = ({ onMessage }) => {
  const { port, t } = usePane();
  const create = async (kind: SheetKind) => {
    if (!port) return;
    const r = await port.createSheet(kind);
    if (r.ok) onMessage("success", t("newSheet.done", { name: r.value.sheetName }));
    else onMessage("error", r.refusal.message);
  };
  const templates = templatePortOf(port);
  const insert = async (kind: TemplateKind) => {
    if (!templates) return;
    const r = await insertTemplate(templates, kind);
    if (r.ok) {
      onMessage(
        "success",
        t("bulk.templateInserted", { name: r.value.sheetName, instructions: r.value.instructionsSheetName })
      );
    } else onMessage("error", r.refusal.message);
  };
  return (
    <Menu>
      <MenuTrigger disableButtonEnhancement>
        <Button data-testid="new-sheet-menu" disabled={!port}>
          {t("newSheet.button")}
        </Button>
      </MenuTrigger>
      <MenuPopover>
        <MenuList>
          {KINDS.map((kind) => (
            <MenuItem key={kind} data-testid={`new-sheet-${kind}`} onClick={() => void create(kind)}>
              {SCHEMAS[kind].title}
            </MenuItem>
          ))}
          {templates ? (
            <>
              <MenuDivider />
              <MenuGroup>
                <MenuGroupHeader>{t("newSheet.templates")}</MenuGroupHeader>
                {TEMPLATE_KINDS.map((kind) => (
                  <MenuItem
                    key={kind}
                    data-testid={`new-sheet-template-${kind}`}
                    onClick={() => void insert(kind)}
                  >
                    {KIND_SPECS[kind].title}
                  </MenuItem>
                ))}
              </MenuGroup>
            </>
          ) : null}
        </MenuList>
      </MenuPopover>
    </Menu>
  );
};
