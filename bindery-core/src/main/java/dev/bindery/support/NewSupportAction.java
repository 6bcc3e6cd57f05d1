package dev.bindery.support;

import dev.bindery.identity.Text;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A support action as an agent asks for it ({@code POST /api/v1/support/actions}), before the support desk checks
 * it: the evidence is still as submitted ({@link Evidence#validate} checks it) and the parameters are text by wire
 * name (checked against the type and the target by {@link SupportService#create}).
 *
 * @param reason why the action is asked for (required, at most {@value SupportAction#MAX_REASON} characters)
 * @param evidence the submitted evidence; null counts as every field missing
 * @param parameters the {@code parameters} object's members as text; null for none
 */
public record NewSupportAction(SupportActionType type, SupportTarget target, String reason,
    Evidence.Submitted evidence, Map<String, String> parameters) {
  public NewSupportAction {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(target, "target");
    reason = Text.required("reason", reason, SupportAction.MAX_REASON);
    parameters = parameters == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(parameters));
  }
}
