package dev.bindery.cli.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bindery.cli.ApiCommand;
import dev.bindery.cli.ClientContext;
import dev.bindery.cli.ClientGroup;
import dev.bindery.cli.CommandGroup;
import dev.bindery.cli.DurationConverter;
import dev.bindery.cli.failure.ExitCodes;
import dev.bindery.cli.http.ApiRequest;
import dev.bindery.cli.http.Json;
import dev.bindery.cli.output.Columns;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bindery policy ...}: policies the authority enforces; today the credential rotation policy. */
@Command(name = "policy", description = "Show and set policies (credential rotation).",
    subcommands = PolicyCommands.Rotation.class)
public final class PolicyCommands extends ClientGroup {
  public PolicyCommands(ClientContext context) {
    super(context);
  }

  @Command(name = "rotation", description = {
      "Rotation policy per identity kind and credential type: the maximum lifetime of a credential and the"
          + " age after which it is overdue for rotation."},
      subcommands = {ListPolicies.class, SetPolicy.class})
  static final class Rotation extends CommandGroup {
  }

  @Command(name = "list", description = "List the rotation policies (GET /api/v1/policies/rotation).")
  static final class ListPolicies extends ApiCommand {
    @Override
    protected int run() {
      printer().list(api().send(ApiRequest.get("policies", "rotation")).json(), Columns.ROTATION_POLICIES);
      return ExitCodes.OK;
    }
  }

  @Command(name = "set", description = {
      "Set the rotation policy of an identity kind and credential type"
          + " (PUT /api/v1/policies/rotation/{kind}/{type}; admin or security_officer).",
      "Durations are seconds (86400) or a number with s, m, h or d (24h, 90d)."})
  static final class SetPolicy extends ApiCommand {
    @Parameters(index = "0", paramLabel = "KIND",
        description = "Identity kind: service_account, workload, pipeline, device, agent or integration.")
    String kind;

    @Parameters(index = "1", paramLabel = "TYPE",
        description = "Credential type: x509_svid, public_key, self_signed_certificate or api_key.")
    String type;

    @Option(names = "--max-lifetime", required = true, paramLabel = "DURATION",
        converter = DurationConverter.class, description = "Longest lifetime a credential may be given.")
    long maxLifetimeSeconds;

    @Option(names = "--rotate-after", required = true, paramLabel = "DURATION",
        converter = DurationConverter.class, description = "Age after which a credential is overdue for rotation.")
    long rotateAfterSeconds;

    @Override
    protected int run() {
      ObjectNode body = Json.object();
      body.put("max_lifetime_seconds", maxLifetimeSeconds);
      body.put("rotate_after_seconds", rotateAfterSeconds);
      printer().resource(api().send(ApiRequest.put("policies", "rotation", kind, type).body(body)).json());
      return ExitCodes.OK;
    }
  }
}
