{{/* GENERATED from services/catalog.json by tools/chart-check/src/catalog/generate-catalog-template.ts; do not edit. */}}

{{/*
Every service's ports, API and who calls which of its methods (and its health check), as JSON.
Usage: {{ (include "mesh-service.catalog.services" . | fromJson).services }}
*/}}
{{- define "mesh-service.catalog.services" -}}
{
  "healthCheckPath": "/grpc.health.v1.Health/Check",
  "services": {
    "notification": {
      "name": "notification",
      "grpcPort": 50056,
      "adminPort": 9466,
      "api": "iotmesh.notification.v1.Notification",
      "calls": {},
      "callers": {
        "device-registry": [
          "SendVerificationEmail"
        ],
        "alert-manager": [
          "SendNotification"
        ],
        "edge-gateway": [
          "GetNotification",
          "ListNotifications"
        ]
      },
      "healthCheckers": [
        "edge-gateway"
      ]
    },
    "device-registry": {
      "name": "device-registry",
      "grpcPort": 50052,
      "adminPort": 9462,
      "api": "iotmesh.device.v1.DeviceRegistry",
      "calls": {
        "notification": [
          "SendVerificationEmail"
        ]
      },
      "callers": {
        "alert-manager": [
          "GetDevice"
        ],
        "sensor-ingestion": [
          "GetDevice"
        ],
        "edge-gateway": [
          "CreateDevice",
          "DecommissionDevice",
          "GetDevice",
          "IssueDeviceKey",
          "ListDeviceKeys",
          "ListDevices",
          "RevokeDeviceKey",
          "RotateDeviceKey",
          "UpdateDevice",
          "VerifyDeviceKey"
        ]
      },
      "healthCheckers": [
        "edge-gateway"
      ]
    },
    "alert-manager": {
      "name": "alert-manager",
      "grpcPort": 50055,
      "adminPort": 9465,
      "api": "iotmesh.alert.v1.AlertManager",
      "calls": {
        "notification": [
          "SendNotification"
        ],
        "device-registry": [
          "GetDevice"
        ]
      },
      "callers": {
        "data-processor": [
          "EvaluateReadings"
        ],
        "edge-gateway": [
          "AcknowledgeAlert",
          "CreateRule",
          "DeleteRule",
          "GetAlert",
          "GetRule",
          "ListAlerts",
          "ListRules",
          "UpdateRule",
          "WatchAlerts"
        ]
      },
      "healthCheckers": [
        "edge-gateway"
      ]
    },
    "data-processor": {
      "name": "data-processor",
      "grpcPort": 50054,
      "adminPort": 9464,
      "api": "iotmesh.processor.v1.DataProcessor",
      "calls": {
        "alert-manager": [
          "EvaluateReadings"
        ]
      },
      "callers": {
        "sensor-ingestion": [
          "ProcessReadings"
        ],
        "edge-gateway": [
          "GetAggregates",
          "ListAggregates"
        ]
      },
      "healthCheckers": [
        "edge-gateway"
      ]
    },
    "sensor-ingestion": {
      "name": "sensor-ingestion",
      "grpcPort": 50053,
      "adminPort": 9463,
      "api": "iotmesh.ingestion.v1.SensorIngestion",
      "calls": {
        "device-registry": [
          "GetDevice"
        ],
        "data-processor": [
          "ProcessReadings"
        ]
      },
      "callers": {
        "edge-gateway": [
          "Ingest",
          "IngestBatch"
        ]
      },
      "healthCheckers": [
        "edge-gateway"
      ]
    },
    "edge-gateway": {
      "name": "edge-gateway",
      "grpcPort": 50051,
      "httpPort": 8080,
      "adminPort": 9461,
      "api": "iotmesh.edge.v1.EdgeGateway",
      "calls": {
        "device-registry": [
          "CreateDevice",
          "GetDevice",
          "ListDevices",
          "UpdateDevice",
          "DecommissionDevice",
          "IssueDeviceKey",
          "RotateDeviceKey",
          "RevokeDeviceKey",
          "ListDeviceKeys",
          "VerifyDeviceKey"
        ],
        "sensor-ingestion": [
          "Ingest",
          "IngestBatch"
        ],
        "data-processor": [
          "GetAggregates",
          "ListAggregates"
        ],
        "alert-manager": [
          "CreateRule",
          "GetRule",
          "ListRules",
          "UpdateRule",
          "DeleteRule",
          "GetAlert",
          "ListAlerts",
          "AcknowledgeAlert",
          "WatchAlerts"
        ],
        "notification": [
          "GetNotification",
          "ListNotifications"
        ]
      },
      "callers": {},
      "healthCheckers": []
    }
  }
}
{{- end -}}
