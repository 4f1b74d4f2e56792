package io.fleetmq.broker.message;

import java.util.List;

/**
 * The v5 PUBLISH properties that travel with an application message from publisher to subscribers
 * [MQTT-3.3.2-4], [MQTT-3.3.2-20]. Topic alias and subscription identifiers are per-connection and live elsewhere.
 * A null field means "absent". Byte arrays are never mutated after construction.
 */
public record PublishProperties(
        Integer payloadFormatIndicator,
        Long messageExpiryInterval,
        String contentType,
        String responseTopic,
        byte[] correlationData,
        List<UserProperty> userProperties) {

    public static final PublishProperties NONE = new PublishProperties(null, null, null, null, null, List.of());

    public PublishProperties {
        userProperties = userProperties == null ? List.of() : List.copyOf(userProperties);
    }

    public boolean isEmpty() {
        return payloadFormatIndicator == null && messageExpiryInterval == null && contentType == null
                && responseTopic == null && correlationData == null && userProperties.isEmpty();
    }
}
