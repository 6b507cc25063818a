256 SHA256:avVdxi3JtdYBje1POsx9KOUO3UPlZPp+E7ZoQnoRTt4 ecdsa256@rampart-test (ECDSA)
