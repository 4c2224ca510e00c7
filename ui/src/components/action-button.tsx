/**
 * A button for something the viewer may not be allowed to do: when not allowed it is disabled
 * and the reason is written next to it (and linked with aria-describedby), not hidden in a tooltip.
 */
import { useId, type ButtonHTMLAttributes } from "react";
import type { Permission } from "../auth/permissions";

type Props = Omit<ButtonHTMLAttributes<HTMLButtonElement>, "disabled"> & {
  permission: Permission;
  /** Disabled for another reason (e.g. busy), without a reason text. */
  busy?: boolean;
};

export function ActionButton({ permission, busy = false, children, className, ...rest }: Props) {
  const id = useId();
  const blocked = !permission.allowed;
  return (
    <span className="action">
      <button type="button" {...rest} className={className ?? "button"} disabled={blocked || busy} aria-describedby={blocked ? id : undefined}>
        {children}
      </button>
      {blocked && (
        <span id={id} className="action-reason">
          {permission.reason}
        </span>
      )}
    </span>
  );
}
