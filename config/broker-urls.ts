// The broker URLs of a checked config's `mqtt:` (`urls` wins over `url`). Apart from the schema so that
// the running gateway uses it without loading the schema library (config-error.ts says why).

/** `mqtt.url` / `mqtt.urls` of a checked config (schema.ts MqttConfig). */
export function brokerUrls(mqtt: { url?: string | undefined; urls?: string[] | undefined }): string[] {
  return mqtt.urls ?? (mqtt.url === undefined ? [] : [mqtt.url]);
}
