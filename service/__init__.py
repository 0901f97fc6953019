"""HTTP API, database, scheduler and command line of Redline."""
