package dev.bindery.cli.credential;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bindery.cli.ApiCommand;
import dev.bindery.cli.ClientContext;
import dev.bindery.cli.ClientGroup;
import dev.bindery.cli.failure.ExitCodes;
import dev.bindery.cli.TimeConverter;
import dev.bindery.cli.http.ApiRequest;
import dev.bindery.cli.http.Json;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bindery api-key ...}: API keys, for systems that can do nothing better than a static secret. */
@Command(name = "api-key", description = "Create API keys for identities.",
    subcommands = ApiKeyCommands.Create.class)
public final class ApiKeyCommands extends ClientGroup {
  public ApiKeyCommands(ClientContext context) {
    super(context);
  }

  @Command(name = "create", description = {
      "Create an API key for an identity (POST /api/v1/identities/{id}/api-keys).",
      "The key (bnd_ak_...) is printed once, in table and JSON output alike: Bindery keeps only its hash."
          + " Prefer a certificate or a registered public key where the system can use one."})
  static final class Create extends ApiCommand {
    @Parameters(paramLabel = "IDENTITY_ID", description = "Identity id (nhi_...).")
    String identityId;

    @Option(names = "--expires-at", required = true, paramLabel = "TIME", converter = TimeConverter.class,
        description = "When the key stops working (RFC 3339, e.g. 2027-01-31T00:00:00Z); mandatory.")
    Instant expiresAt;

    @Override
    protected int run() {
      ObjectNode body = Json.object();
      body.put("expires_at", TimeConverter.format(expiresAt));
      JsonNode created = api().send(ApiRequest.post("identities", identityId, "api-keys").body(body)).json();
      if (printer().isJson()) {
        printer().resource(created);
      } else {
        ObjectNode shown = Json.object();
        shown.set("api_key", created.path("api_key"));
        if (created.path("credential").isObject()) {
          shown.setAll((ObjectNode) created.path("credential"));
        }
        printer().resource(shown);
      }
      printer().note("the API key is shown only this once: store it now, Bindery keeps only its hash");
      return ExitCodes.OK;
    }
  }
}
