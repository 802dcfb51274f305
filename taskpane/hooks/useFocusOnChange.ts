/** Move keyboard focus to an element (results, errors) when `key` changes to a non-null value. */
import { useEffect, type RefObject } from "react";

export function useFocusOnChange(ref: RefObject<HTMLElement>, key: unknown): void {
  useEffect(() => {
    if (key !== null && key !== undefined) ref.current?.focus();
  }, [ref, key]);
}
