using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Latchkey.Storage.PostgreSql.Migrations
{
    /// <summary>
    /// A finer histogram for the members' normalized email. With PostgreSQL's default (100 buckets from a 30,000-row
    /// sample) a prefix that matches 100 of a site's 100,000 members was sometimes estimated at a whole bucket (1,010
    /// rows); the planner then walked the (site, created) index in the page's sort order and filtered on the email,
    /// which reads every member created before the first match (1 run in 8 of MemberQueryPlanTests). 1,000 buckets from
    /// a 300,000-row sample keep the estimate near the truth, and the prefix on the (site, email) index.
    /// </summary>
    public partial class MemberEmailStatistics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""ALTER TABLE members ALTER COLUMN "NormalizedEmail" SET STATISTICS 1000;""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""ALTER TABLE members ALTER COLUMN "NormalizedEmail" SET STATISTICS -1;""");
        }
    }
}
