package io.fleetmq.image.dest;

import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.ImageTagMutability;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * Amazon ECR as a destination: the repository is created if missing (tags immutable, scan on push), and a registry
 * login is made from {@code GetAuthorizationToken}. Credentials and region come from the AWS SDK v2 default chains
 * (environment, profile, container or instance role); {@code AWS_ENDPOINT_URL} points it at LocalStack in tests.
 */
public final class EcrRegistry {

    /** Where to push and how to log in: {@code registry} is the host, {@code username}/{@code password} the login. */
    public record Login(String registry, String username, String password) {
        public Login {
            Objects.requireNonNull(registry, "registry");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "Login[" + registry + ", " + username + ", password hidden]";
        }
    }

    private EcrRegistry() {
    }

    public static Login prepare(String repository) {
        try (EcrClient ecr = EcrClient.create()) {
            try {
                ecr.describeRepositories(r -> r.repositoryNames(repository));
            } catch (RepositoryNotFoundException e) {
                ecr.createRepository(r -> r.repositoryName(repository)
                        .imageTagMutability(ImageTagMutability.IMMUTABLE)
                        .imageScanningConfiguration(s -> s.scanOnPush(true)));
            }
            AuthorizationData auth = ecr.getAuthorizationToken().authorizationData().get(0);
            String decoded = new String(Base64.getDecoder().decode(auth.authorizationToken()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            String host = auth.proxyEndpoint().replaceFirst("^https?://", "").replaceFirst("/$", "");
            return new Login(host, decoded.substring(0, colon), decoded.substring(colon + 1));
        }
    }
}
