"""The relational layers: the dbt project and the identity resolution between its halves."""
