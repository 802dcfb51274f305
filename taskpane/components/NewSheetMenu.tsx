import * as React from "react";
import { Button, Menu, MenuItem, MenuList, MenuPopover, MenuTrigger } from "@fluentui/react-components";
import { SCHEMAS, type SheetKind } from "../../src/sheet/schemas";
import { usePane } from "../hooks/usePane";

export interface NewSheetMenuProps {
  readonly onMessage: (intent: "success" | "error", text: string) => void;
}

const KINDS: readonly SheetKind[] = ["blueInvoices", "infoForms", "confirmForms", "inputPool"];

/** 新建工作表: a template sheet of each kind (header, formats, drop-downs) via port.createSheet. */
export const NewSheetMenu: React.FC<NewSheetMenuProps> = ({ onMessage }) => {
  const { port, t } = usePane();
  const create = async (kind: SheetKind) => {
    if (!port) return;
    const r = await port.createSheet(kind);
    if (r.ok) onMessage("success", t("newSheet.done", { name: r.value.sheetName }));
    else onMessage("error", r.refusal.message);
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
        </MenuList>
      </MenuPopover>
    </Menu>
  );
};
