"""Message classes generated from proto/atsbridge/v1 by scripts/generate-proto.sh. Do not edit."""
