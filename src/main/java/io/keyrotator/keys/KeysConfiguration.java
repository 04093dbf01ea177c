package io.keyrotator.keys;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({KeyDefaults.class, CatalogProperties.class})
class KeysConfiguration {}
