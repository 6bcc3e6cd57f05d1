package dev.bindery.cli.credential;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bindery.cli.ApiCommand;
import dev.bindery.cli.ClientContext;
import dev.bindery.cli.ClientGroup;
import dev.bindery.cli.DurationConverter;
import dev.bindery.cli.failure.ExitCodes;
import dev.bindery.cli.http.ApiRequest;
import dev.bindery.cli.http.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bindery enrolment-code ...}: one-time codes with which a workload enrols ({@code bindery enroll}). */
@Command(name = "enrolment-code", description = "Create one-time enrolment codes for workloads.",
    subcommands = EnrolmentCodeCommands.Create.class)
public final class EnrolmentCodeCommands extends ClientGroup {
  public EnrolmentCodeCommands(ClientContext context) {
    super(context);
  }

  @Command(name = "create", description = {
      "Create a one-time enrolment code for an identity (POST /api/v1/identities/{id}/enrolment-codes;"
          + " owner or admin).",
      "The code is printed once: Bindery keeps only its hash. It works once and expires (by default and at"
          + " most after 10 minutes). Hand it to the workload over a private channel; the workload runs"
          + " 'bindery enroll --code-file FILE --key-out ... --cert-out ...'."})
  static final class Create extends ApiCommand {
    @Parameters(paramLabel = "IDENTITY_ID", description = "Identity id (nhi_...).")
    String identityId;

    @Option(names = "--ttl", paramLabel = "DURATION", converter = DurationConverter.class,
        description = "How long the code stays valid: seconds (300) or 5m (server default and maximum 600 s).")
    Long ttlSeconds;

    @Override
    protected int run() {
      ObjectNode body = Json.object();
      if (ttlSeconds != null) {
        body.put("ttl_seconds", ttlSeconds);
      }
      printer().resource(api().send(ApiRequest.post("identities", identityId, "enrolment-codes").body(body))
          .json());
      printer().note("the enrolment code is shown only this once and works once: hand it to the workload now");
      return ExitCodes.OK;
    }
  }
}
