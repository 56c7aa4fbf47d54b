{{/* Names and addresses derived from the service name; one namespace per service (see ../README.md). */}}

{{/*
The service name: the consuming chart's name, which equals the catalog entry and the namespace.
Usage: {{ include "mesh-service.names.service" . }}
*/}}
{{- define "mesh-service.names.service" -}}
{{- .Chart.Name -}}
{{- end -}}

{{/*
Deployment (and HPA) name for one track.
Usage: {{ include "mesh-service.names.workload" (dict "context" $ "track" "stable") }}
*/}}
{{- define "mesh-service.names.workload" -}}
{{- printf "%s-%s" (include "mesh-service.names.service" .context) .track -}}
{{- end -}}

{{/*
In-cluster DNS name of a service, which lives in the namespace of the same name.
Usage: {{ include "mesh-service.names.host" "device-registry" }}
*/}}
{{- define "mesh-service.names.host" -}}
{{- printf "%s.%s.svc.cluster.local" . . -}}
{{- end -}}

{{/*
SPIFFE principal of a service's ServiceAccount, as AuthorizationPolicy matches it.
Usage: {{ include "mesh-service.names.principal" "device-registry" }}
*/}}
{{- define "mesh-service.names.principal" -}}
{{- printf "cluster.local/ns/%s/sa/%s" . . -}}
{{- end -}}

{{/*
Environment variable a caller reads the address of a downstream service from (DEVICE_REGISTRY_ADDRESS).
Usage: {{ include "mesh-service.names.addressVariable" "device-registry" }}
*/}}
{{- define "mesh-service.names.addressVariable" -}}
{{- printf "%s_ADDRESS" (. | upper | replace "-" "_") -}}
{{- end -}}

{{/*
This service's entry in services/catalog.json (ports, api, calls, callers) as JSON.
Usage: {{- $entry := include "mesh-service.names.catalogEntry" . | fromJson }}
*/}}
{{- define "mesh-service.names.catalogEntry" -}}
{{- $catalog := (include "mesh-service.catalog.services" . | fromJson).services -}}
{{- get $catalog (include "mesh-service.names.service" .) | toJson -}}
{{- end -}}
