// The service target: see Package.swift. Its files land with issue 12.
