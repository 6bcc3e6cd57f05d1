package dev.bindery.cli.token;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bindery.cli.ApiCommand;
import dev.bindery.cli.failure.CliFailure;
import dev.bindery.cli.ClientContext;
import dev.bindery.cli.ClientGroup;
import dev.bindery.cli.failure.ExitCodes;
import dev.bindery.cli.http.ApiRequest;
import dev.bindery.cli.http.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bindery token-policy ...}: an identity's token policy, the only way it can receive a token without
 * {@code cnf} (an unbound bearer token), and its token lifetime.
 */
@Command(name = "token-policy", description = "Show or set an identity's token policy.",
    subcommands = {TokenPolicyCommands.Get.class, TokenPolicyCommands.Set.class})
public final class TokenPolicyCommands extends ClientGroup {
  public TokenPolicyCommands(ClientContext context) {
    super(context);
  }

  @Command(name = "get", description = "Show the token policy (GET /api/v1/identities/{id}/token-policy).")
  static final class Get extends ApiCommand {
    @Parameters(paramLabel = "IDENTITY_ID", description = "The identity.")
    String id;

    @Override
    protected int run() {
      printer().resource(api().send(ApiRequest.get("identities", id, "token-policy")).json());
      return ExitCodes.OK;
    }
  }

  @Command(name = "set", sortOptions = false, description = {
      "Replace the token policy (PUT /api/v1/identities/{id}/token-policy; admin or security_officer).",
      "--allow-unbound-tokens=true lets the identity get bearer tokens bound to nothing; it is audited."})
  static final class Set extends ApiCommand {
    @Parameters(paramLabel = "IDENTITY_ID", description = "The identity.")
    String id;

    @Option(names = "--allow-unbound-tokens", required = true, arity = "1", paramLabel = "true|false",
        description = "Whether a client without certificate or DPoP proof may get an unbound token.")
    boolean allowUnbound;

    @Option(names = "--lifetime-seconds", paramLabel = "SECONDS",
        description = "Token lifetime for this identity (default: the server's).")
    Integer lifetimeSeconds;

    @Override
    protected int run() {
      if (lifetimeSeconds != null && lifetimeSeconds <= 0) {
        throw CliFailure.usage("--lifetime-seconds must be positive");
      }
      ObjectNode body = Json.object();
      body.put("allow_unbound_tokens", allowUnbound);
      if (lifetimeSeconds == null) {
        body.putNull("token_lifetime_seconds");
      } else {
        body.put("token_lifetime_seconds", lifetimeSeconds);
      }
      printer().resource(api().send(ApiRequest.put("identities", id, "token-policy").body(body)).json());
      return ExitCodes.OK;
    }
  }
}
