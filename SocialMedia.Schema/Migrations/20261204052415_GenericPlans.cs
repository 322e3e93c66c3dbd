using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SocialMedia.Schema.Migrations
{
    /// <summary>
    /// Every session on this database plans its prepared statements once, generically. The API's
    /// statements are keyset pages and lookups by key, whose generic plan is the plan; PostgreSQL's
    /// default ("auto") plans each of them five more times per connection first, and on this
    /// statement shape a backend that has made those custom plans then grows and trims its heap on
    /// every execution (bench/README.md, "What moved the figures"). A database setting, not a
    /// session SET: it reaches every connection, through RDS Proxy too, without pinning sessions.
    /// </summary>
    public partial class GenericPlans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DO $plans$ BEGIN
                    EXECUTE format('ALTER DATABASE %I SET plan_cache_mode = force_generic_plan', current_database());
                END $plans$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DO $plans$ BEGIN
                    EXECUTE format('ALTER DATABASE %I RESET plan_cache_mode', current_database());
                END $plans$;
                """);
        }
    }
}
